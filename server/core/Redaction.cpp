#include "Redaction.h"

#include <QRegularExpression>

namespace datarecs::server {

QString redactSecrets(const QString &text)
{
    static const QRegularExpression credential(QStringLiteral("dr[ks]_[0-9A-Za-z]{4,}"));
    if (!text.contains(QLatin1StringView("dr")))
        return text;
    QString out = text;
    out.replace(credential, QStringLiteral("[redacted]"));
    return out;
}

} // namespace datarecs::server
