#pragma once

#include "ApiJob.h"
#include "Result.h"

#include <functional>

namespace datarecs {

/// An ApiJob whose outcome is a typed value: connect to finished() and read result(), or use
/// onFinished(). Like every job it deletes itself after finished().
template <typename T> class ApiCall : public ApiJob
{
public:
    using Parser = std::function<Result<T>(const ApiJob &)>;

    ApiCall(QNetworkAccessManager *nam, Request request, const ClientOptions &options, Parser parser,
            QObject *parent)
        : ApiJob(nam, std::move(request), options, parent)
        , m_parser(std::move(parser))
    {}

    /// The value, or the one error that prevented it. Valid once finished() was emitted.
    Result<T> result() const
    {
        if (error()) return *error();
        return m_parser(*this);
    }

    /// Calls f(Result<T>) once the call finished, unless context is gone by then.
    template <typename F> void onFinished(QObject *context, F f)
    {
        QObject::connect(this, &ApiJob::finished, context,
                         [this, f = std::move(f)]() mutable { f(result()); });
    }

private:
    Parser m_parser;
};

} // namespace datarecs
