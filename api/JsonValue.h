#pragma once

// The wire types parse from simdjson's DOM; only JsonReader.cpp includes simdjson's (large) header.
namespace simdjson::dom {
class element;
}

namespace datarecs {

/// A value inside a parsed JsonDocument (see JsonReader.h), valid while the document lives.
using JsonValue = simdjson::dom::element;

} // namespace datarecs
