// The key format helpers the clients use to check a value before sending it.
#include "KeyFormat.h"

#include <QTest>

using namespace datarecs;
using namespace Qt::StringLiterals;

class TestKeyFormat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void composedKey_isValid()
    {
        const QString key = KeyFormat::compose(u"0123456789ABCDEFGHIJabcdefghij"_s);
        QCOMPARE(key.size(), KeyFormat::TotalLength);
        QVERIFY(key.startsWith(u"drk_"_s));
        QCOMPARE(KeyFormat::check(key), KeyFormat::Check::Valid);
    }

    void knownKey_matchesTheContractsChecksum()
    {
        // CRC32("drk_" + 30 zeros) in base62, computed independently with Python's zlib: guards against a
        // drift between the server's and the clients' checksums.
        const QString key = KeyFormat::compose(QString(30, u'0'));
        QCOMPARE(key, u"drk_0000000000000000000000000000003CnxSu"_s);
        QCOMPARE(KeyFormat::check(key), KeyFormat::Check::Valid);
    }

    void typo_isCaught_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("expected");
        const QString good = KeyFormat::compose(u"0123456789ABCDEFGHIJabcdefghij"_s);
        QString flipped = good;
        flipped[10] = flipped[10] == u'a' ? u'b' : u'a';
        QString caseChanged = good;
        caseChanged[20] = caseChanged[20].isUpper() ? caseChanged[20].toLower() : caseChanged[20].toUpper();
        QTest::newRow("one character changed") << flipped << int(KeyFormat::Check::BadChecksum);
        QTest::newRow("case changed") << caseChanged << int(KeyFormat::Check::BadChecksum);
        QTest::newRow("truncated") << good.left(39) << int(KeyFormat::Check::WrongLength);
        QTest::newRow("extra character") << good + u'x' << int(KeyFormat::Check::WrongLength);
        QTest::newRow("session token") << u"drs_abc"_s << int(KeyFormat::Check::WrongPrefix);
        QTest::newRow("bad character")
            << QString(good).replace(5, 1, u"-"_s) << int(KeyFormat::Check::BadCharacter);
    }

    void typo_isCaught()
    {
        QFETCH(QString, value);
        QFETCH(int, expected);
        QCOMPARE(int(KeyFormat::check(value)), expected);
        QVERIFY(!KeyFormat::describe(KeyFormat::check(value)).isEmpty());
    }

    void hint_showsOnlyTheLastFour()
    {
        const QString key = KeyFormat::compose(u"0123456789ABCDEFGHIJabcdefghij"_s);
        const QString hint = KeyFormat::hint(key);
        QCOMPARE(hint, u"drk_"_s + QChar(0x2026) + key.right(4));
        QVERIFY(!hint.contains(key.mid(4, 10)));
    }

    void containsCredential_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("found");
        const QString key = KeyFormat::compose(u"0123456789ABCDEFGHIJabcdefghij"_s);
        QTest::newRow("a whole key") << key << true;
        QTest::newRow("a key inside a sentence") << u"use "_s + key + u" for CI"_s << true;
        QTest::newRow("most of a key") << key.left(key.size() - 8) << true;
        QTest::newRow("a session token") << u"drs_"_s + QString(43, u'q') << true;
        QTest::newRow("after another dr") << u"addrk_"_s + QString(20, u'Z') << true;
        QTest::newRow("a hint") << KeyFormat::hint(key) << false;
        QTest::newRow("a short run") << u"drk_"_s + QString(19, u'a') + u" and more"_s << false;
        QTest::newRow("the prefix alone") << u"drk_ keys for deploys"_s << false;
        QTest::newRow("another prefix") << u"dra_"_s + QString(40, u'a') << false;
        QTest::newRow("ends at the prefix") << u"dr"_s << false;
    }

    void containsCredential()
    {
        QFETCH(QString, text);
        QFETCH(bool, found);
        QCOMPARE(KeyFormat::containsCredential(text), found);
    }
};

QTEST_GUILESS_MAIN(TestKeyFormat)
#include "tst_keyformat.moc"
