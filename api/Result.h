#pragma once

#include "ApiError.h"

#include <utility>
#include <variant>

namespace datarecs {

/// Either a value or the one ApiError that prevented it (an "expected"-like type: C++20 has none).
template <typename T> class Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    {}
    Result(ApiError error)
        : m_value(std::move(error))
    {}

    bool ok() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return std::get<T>(m_value); }
    T &value() { return std::get<T>(m_value); }
    const ApiError &error() const { return std::get<ApiError>(m_value); }

private:
    std::variant<T, ApiError> m_value;
};

/// The value of a call that answers with no body (204).
struct NoContent
{
};

} // namespace datarecs
