#include "Rfc3339.h"

namespace datarecs {

namespace {

/// The number in text[from, from + n), or -1 if any of those characters is not an ASCII digit.
int digits(QByteArrayView text, qsizetype from, qsizetype n)
{
    int value = 0;
    for (qsizetype i = from; i < from + n; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9')
            return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

} // namespace

QDateTime parseRfc3339(QByteArrayView text)
{
    // YYYY-MM-DDTHH:MM:SSZ (20) or YYYY-MM-DDTHH:MM:SS.mmmZ (24)
    const qsizetype n = text.size();
    if ((n == 20 || n == 24) && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' &&
        text[16] == ':' && text[n - 1] == 'Z' && (n == 20 || text[19] == '.')) {
        const int y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
        const int h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
        const int ms = n == 24 ? digits(text, 20, 3) : 0;
        if (y >= 0 && mo >= 0 && d >= 0 && h >= 0 && mi >= 0 && s >= 0 && ms >= 0) {
            const QDate date(y, mo, d);
            const QTime time(h, mi, s, ms);
            if (date.isValid() && time.isValid())
                return QDateTime(date, time, Qt::UTC);
        }
        return {};
    }
    const QDateTime t = QDateTime::fromString(QString::fromUtf8(text), Qt::ISODateWithMs);
    return t.isValid() ? t.toUTC() : QDateTime();
}

} // namespace datarecs
