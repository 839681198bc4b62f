// ApiKeyTableModel and ApiKeyFilterProxyModel: columns, sort values, incremental updates and
// filters, each test under QAbstractItemModelTester (model and proxy) from init() to cleanup().

#include "ApiKeyFilterProxyModel.h"
#include "ApiKeyTableModel.h"
#include "JsonReader.h"
#include "TimeText.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QTextDocument>
#include <QTranslator>

#include <memory>

using namespace datarecs;
using namespace Qt::StringLiterals;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC);

ApiKey makeKey(const QString &id, const QString &name, int createdDaysAgo, std::optional<int> usedDaysAgo = {},
               const QString &status = u"enabled"_s)
{
    ApiKey k;
    k.id = id;
    k.name = name;
    k.description = u"Key for "_s + name;
    k.role = u"workspace_viewer"_s;
    k.enabled = status == u"enabled";
    k.status = status;
    k.hint = u"drk_…"_s + id.right(4);
    k.createdBy = {u"user"_s, u"usr_owner"_s, u"Olivia Owner"_s};
    k.createdAt = kNow.addDays(-createdDaysAgo);
    k.updatedAt = k.createdAt;
    if (usedDaysAgo) {
        k.lastUsedAt = kNow.addDays(-*usedDaysAgo);
        k.lastUsedIp = u"203.0.113.7"_s;
    }
    return k;
}

/// Five keys in server order (newest first).
QList<ApiKey> sampleKeys()
{
    QList<ApiKey> keys{makeKey(u"key_e"_s, u"Deploy bot"_s, 1, 0),
                       makeKey(u"key_d"_s, u"Billing export"_s, 30, 2, u"disabled"_s),
                       makeKey(u"key_c"_s, u"Old reporting"_s, 200, 120),
                       makeKey(u"key_b"_s, u"Never used"_s, 250),
                       makeKey(u"key_a"_s, u"Analytics"_s, 400, 10)};
    keys[0].expiresAt = kNow.addDays(5);
    keys[1].workspace = NamedRef{u"ws_fin"_s, u"Finance"_s};
    keys[3].createdBy = {u"api_key"_s, u"key_z"_s, u"Provisioner"_s};
    return keys;
}

QStringList namesOf(const QAbstractItemModel &model)
{
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r)
        out << model.index(r, ApiKeyTableModel::Name).data().toString();
    return out;
}

} // namespace

class TestApiKeyModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_model = std::make_unique<ApiKeyTableModel>();
        m_model->setClock([] { return kNow; });
        m_proxy = std::make_unique<ApiKeyFilterProxyModel>();
        m_proxy->setClock([] { return kNow; });
        m_proxy->setSourceModel(m_model.get());
        m_modelTester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_proxyTester = std::make_unique<QAbstractItemModelTester>(
            m_proxy.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanup()
    {
        m_proxyTester.reset();
        m_modelTester.reset();
        m_proxy.reset();
        m_model.reset();
    }

    void descriptionToolTip_readsAsTyped_evenWhenItLooksLikeHtml()
    {
        QList<ApiKey> keys = sampleKeys();
        const QStringList descriptions{u"<b>nightly</b> sync &amp; <i>R&D</i>"_s, u"R&D <team>\nline two"_s,
                                       u"plain words"_s};
        for (int i = 0; i < descriptions.size(); ++i)
            keys[i].description = descriptions.at(i);
        m_model->setKeys(keys);
        for (int i = 0; i < descriptions.size(); ++i) {
            const int row = m_model->rowOf(keys.at(i).id);
            const QString tip = m_model->index(row, ApiKeyTableModel::Description).data(Qt::ToolTipRole).toString();
            // What a tooltip shows: Qt reads it as HTML when it looks like HTML, else as it is.
            QTextDocument shown;
            if (Qt::mightBeRichText(tip))
                shown.setHtml(tip);
            else
                shown.setPlainText(tip);
            QCOMPARE(shown.toPlainText().replace(QChar::LineSeparator, u' ').replace(u'\n', u' '),
                     QString(descriptions.at(i)).replace(u'\n', u' '));
        }
    }

    void load_showsEveryColumnWithReadableValues()
    {
        m_model->setRoleTitles({{u"workspace_viewer"_s, u"Workspace viewer"_s}});
        m_model->setKeys(sampleKeys());
        QCOMPARE(m_model->rowCount(), 5);
        QCOMPARE(m_model->columnCount(), 9);
        const QStringList headers{u"Name"_s,    u"Role"_s,      u"Workspace"_s, u"Status"_s,     u"Created by"_s,
                                  u"Created"_s, u"Last used"_s, u"Expires"_s,   u"Description"_s};
        for (int c = 0; c < headers.size(); ++c)
            QCOMPARE(m_model->headerData(c, Qt::Horizontal).toString(), headers.at(c));

        auto cell = [&](int row, int col, int role = Qt::DisplayRole) { return m_model->index(row, col).data(role); };
        QCOMPARE(cell(0, ApiKeyTableModel::Name).toString(), u"Deploy bot"_s);
        QCOMPARE(cell(0, ApiKeyTableModel::Role).toString(), u"Workspace viewer"_s);
        QCOMPARE(cell(0, ApiKeyTableModel::Workspace).toString(), u"All workspaces"_s);
        QCOMPARE(cell(1, ApiKeyTableModel::Workspace).toString(), u"Finance"_s);
        QCOMPARE(cell(1, ApiKeyTableModel::Status).toString(), u"Disabled"_s);
        QCOMPARE(cell(3, ApiKeyTableModel::CreatedBy).toString(), u"Provisioner"_s);
        QCOMPARE(cell(3, ApiKeyTableModel::CreatedBy, Qt::ToolTipRole).toString(), u"API key key_z"_s);
        // A name cut short by its column is whole in the tooltip, with the key's id and hint.
        const QString nameTip = cell(0, ApiKeyTableModel::Name, Qt::ToolTipRole).toString();
        QVERIFY2(nameTip.startsWith(u"Deploy bot\n"_s), qPrintable(nameTip));
        QVERIFY2(nameTip.contains(cell(0, ApiKeyTableModel::Name, ApiKeyTableModel::IdRole).toString()), qPrintable(nameTip));
        QCOMPARE(cell(0, ApiKeyTableModel::Created).toString(), kNow.addDays(-1).toLocalTime().toString(u"yyyy-MM-dd"_s));
        QCOMPARE(cell(0, ApiKeyTableModel::Expires).toString(), kNow.addDays(5).toLocalTime().toString(u"yyyy-MM-dd"_s));
        QCOMPARE(cell(2, ApiKeyTableModel::Expires).toString(), u"Never"_s);
        QCOMPARE(cell(4, ApiKeyTableModel::Description).toString(), u"Key for Analytics"_s);
        QCOMPARE(cell(4, ApiKeyTableModel::Name, ApiKeyTableModel::IdRole).toString(), u"key_a"_s);
    }

    void load_fromServerJson_parsesTimestampsExactly()
    {
        // The model is fed what api/ parses; the timestamps must come out exact and in UTC.
        ApiKey k = sampleKeys().at(0);
        QJsonObject o = k.toJson();
        o.insert(u"created_at"_s, u"2026-02-28T23:59:59.123Z"_s);
        o.insert(u"updated_at"_s, u"2026-03-01T00:00:00Z"_s);          // no milliseconds
        o.insert(u"last_used_at"_s, u"2026-03-01T01:00:00.000+01:00"_s); // an offset: the slow path
        const Result<ApiKey> parsed = fromQtJson<ApiKey>(o);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.value().createdAt, QDateTime(QDate(2026, 2, 28), QTime(23, 59, 59, 123), Qt::UTC));
        QCOMPARE(parsed.value().updatedAt, QDateTime(QDate(2026, 3, 1), QTime(0, 0), Qt::UTC));
        QCOMPARE(parsed.value().lastUsedAt->toUTC(), QDateTime(QDate(2026, 3, 1), QTime(0, 0), Qt::UTC));
        m_model->setKeys({parsed.value()});
        QCOMPARE(m_model->index(0, ApiKeyTableModel::Created, {}).data(ApiKeyTableModel::SortRole).toLongLong(),
                 parsed.value().createdAt.toMSecsSinceEpoch());

        for (const QString &bad : {u"2026-02-30T00:00:00.000Z"_s, u"2026-02-28T24:00:00.000Z"_s,
                                   u"2026-02-28T2x:00:00.000Z"_s, u"yesterday"_s, u""_s}) {
            o.insert(u"created_at"_s, bad);
            QVERIFY2(!fromQtJson<ApiKey>(o).ok(), qPrintable(bad));
        }
    }

    void lastUsed_isRelative_withExactTimeAndAddressInTooltip()
    {
        m_model->setKeys(sampleKeys());
        const QModelIndex used = m_model->index(2, ApiKeyTableModel::LastUsed);
        QCOMPARE(used.data().toString(), u"4 months ago"_s);
        const QString tip = used.data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(u"203.0.113.7"_s), qPrintable(tip));
        QVERIFY2(tip.contains(kNow.addDays(-120).toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s)), qPrintable(tip));
        QCOMPARE(m_model->index(0, ApiKeyTableModel::LastUsed).data().toString(), u"just now"_s);
        QCOMPARE(m_model->index(1, ApiKeyTableModel::LastUsed).data().toString(), u"2 days ago"_s);
        QCOMPARE(m_model->index(3, ApiKeyTableModel::LastUsed).data().toString(), u"Never"_s);
        QCOMPARE(m_model->index(3, ApiKeyTableModel::LastUsed).data(Qt::ToolTipRole).toString(),
                 u"This key has never been used."_s);
    }

    void relativeTimes_readAsWholeSentences_inEnglish_andForATranslator()
    {
        auto ago = [](qint64 secs) { return TimeText::relative(kNow.addSecs(-secs), kNow); };
        auto in = [](qint64 secs) { return TimeText::relative(kNow.addSecs(secs), kNow); };
        QCOMPARE(ago(60), u"1 minute ago"_s);
        QCOMPARE(ago(5 * 60), u"5 minutes ago"_s);
        QCOMPARE(in(3600), u"in 1 hour"_s);
        QCOMPARE(ago(2 * 3600), u"2 hours ago"_s);
        QCOMPARE(ago(86400), u"yesterday"_s);
        QCOMPARE(ago(3 * 86400), u"3 days ago"_s);
        QCOMPARE(in(3 * 86400), u"in 3 days"_s);
        QCOMPARE(ago(31 * 86400), u"1 month ago"_s);
        QCOMPARE(in(70 * 86400), u"in 2 months"_s);
        QCOMPARE(ago(400 * 86400), u"1 year ago"_s);
        QCOMPARE(in(800 * 86400), u"in 2 years"_s);

        // A language whose word for "minutes" depends on the number can say it: Polish has
        // "3 minuty", "5 minut", "22 minuty".
        class Polish : public QTranslator
        {
        public:
            bool isEmpty() const override { return false; }
            QString translate(const char *context, const char *source, const char *, int n) const override
            {
                if (qstrcmp(context, "TimeText") != 0)
                    return {};
                const bool few = n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14);
                if (qstrcmp(source, "%n minutes ago") == 0)
                    return few ? u"%n minuty temu"_s : u"%n minut temu"_s;
                if (qstrcmp(source, "1 minute ago") == 0)
                    return u"minutę temu"_s;
                return {};
            }
        } polish;
        QVERIFY(QCoreApplication::installTranslator(&polish));
        const QString three = ago(3 * 60), five = ago(5 * 60), twentyTwo = ago(22 * 60), one = ago(60);
        QCoreApplication::removeTranslator(&polish);
        QCOMPARE(three, u"3 minuty temu"_s);
        QCOMPARE(five, u"5 minut temu"_s);
        QCOMPARE(twentyTwo, u"22 minuty temu"_s);
        QCOMPARE(one, u"minutę temu"_s);
    }

    void relativeTimes_refresh_repaintsOnlyLastUsedColumn()
    {
        m_model->setKeys(sampleKeys());
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        m_model->refreshRelativeTimes();
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().column(), int(ApiKeyTableModel::LastUsed));
        QCOMPARE(changed.at(0).at(1).toModelIndex().column(), int(ApiKeyTableModel::LastUsed));
        QCOMPARE(reset.size(), 0);
    }

    void sortByLastUsed_usesRealTimes_neverUsedFirst()
    {
        m_model->setKeys(sampleKeys());
        m_proxy->sort(ApiKeyTableModel::LastUsed, Qt::AscendingOrder);
        QCOMPARE(namesOf(*m_proxy),
                 (QStringList{u"Never used"_s, u"Old reporting"_s, u"Analytics"_s, u"Billing export"_s, u"Deploy bot"_s}));
        m_proxy->sort(ApiKeyTableModel::Expires, Qt::AscendingOrder);
        QCOMPARE(namesOf(*m_proxy).first(), u"Deploy bot"_s); // the only one that expires
        m_proxy->sort(ApiKeyTableModel::Name, Qt::AscendingOrder);
        QCOMPARE(namesOf(*m_proxy),
                 (QStringList{u"Analytics"_s, u"Billing export"_s, u"Deploy bot"_s, u"Never used"_s, u"Old reporting"_s}));
        m_proxy->sort(ApiKeyTableModel::Created, Qt::DescendingOrder);
        QCOMPARE(namesOf(*m_proxy).first(), u"Deploy bot"_s);
        QCOMPARE(namesOf(*m_proxy).last(), u"Analytics"_s);
    }

    void changedKey_updatesItsRowOnly_noReset()
    {
        m_model->setKeys(sampleKeys());
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        ApiKey k = sampleKeys().at(2);
        k.enabled = false;
        k.status = u"disabled"_s;
        m_model->upsertKey(k);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 2);
        QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 2);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(m_model->index(2, ApiKeyTableModel::Status).data().toString(), u"Disabled"_s);

        // The same value again changes nothing.
        m_model->upsertKey(k);
        QCOMPARE(changed.size(), 1);
    }

    void createdKey_isInsertedByCreationTime()
    {
        m_model->setKeys(sampleKeys());
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        m_model->upsertKey(makeKey(u"key_f"_s, u"Brand new"_s, 0));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        m_model->upsertKey(makeKey(u"key_bb"_s, u"Middle"_s, 150));
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(inserted.at(1).at(1).toInt(), 3); // after "Billing export" (30 days), before "Old reporting" (200)
        QCOMPARE(m_model->index(3, 0).data().toString(), u"Middle"_s);
        QCOMPARE(m_model->rowOf(u"key_a"_s), 6);
    }

    void deletedKey_isRemoved()
    {
        m_model->setKeys(sampleKeys());
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        QVERIFY(m_model->removeKey(u"key_c"_s));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 2);
        QCOMPARE(m_model->rowCount(), 4);
        QCOMPARE(m_model->rowOf(u"key_c"_s), -1);
        QCOMPARE(m_model->rowOf(u"key_a"_s), 3);
        QVERIFY(!m_model->removeKey(u"key_c"_s));
    }

    void merge_refresh_appliesOnlyTheDifferences()
    {
        m_model->setKeys(sampleKeys());
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

        QList<ApiKey> next = sampleKeys();
        next.removeAt(3);                                        // key_b deleted elsewhere
        next[1].name = u"Billing export (renamed)"_s;            // key_d changed
        next.prepend(makeKey(u"key_g"_s, u"Created elsewhere"_s, 0)); // new
        m_model->mergeKeys(next);

        QCOMPARE(reset.size(), 0);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(namesOf(*m_model), (QStringList{u"Created elsewhere"_s, u"Deploy bot"_s, u"Billing export (renamed)"_s,
                                                 u"Old reporting"_s, u"Analytics"_s}));
        for (int r = 0; r < next.size(); ++r)
            QCOMPARE(m_model->rowOf(next.at(r).id), r);

        // Same list again: nothing happens.
        m_model->mergeKeys(next);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(changed.size(), 1);

        // Reordered (a key whose created_at moved): handled as a move.
        std::swap(next[0], next[4]);
        m_model->mergeKeys(next);
        QCOMPARE(namesOf(*m_model).first(), u"Analytics"_s);
        QCOMPARE(namesOf(*m_model).last(), u"Created elsewhere"_s);

        // Into and out of an empty model.
        m_model->mergeKeys({});
        QCOMPARE(m_model->rowCount(), 0);
        m_model->mergeKeys(next);
        QCOMPARE(m_model->rowCount(), 5);
    }

    void search_matchesNameDescriptionIdAndCreator_caseInsensitive()
    {
        m_model->setKeys(sampleKeys());
        m_proxy->setSearchText(u"BILLING"_s);
        QCOMPARE(namesOf(*m_proxy), QStringList{u"Billing export"_s});
        m_proxy->setSearchText(u"key for ana"_s); // description
        QCOMPARE(namesOf(*m_proxy), QStringList{u"Analytics"_s});
        m_proxy->setSearchText(u"key_c"_s); // id
        QCOMPARE(namesOf(*m_proxy), QStringList{u"Old reporting"_s});
        m_proxy->setSearchText(u"provisioner"_s); // creator
        QCOMPARE(namesOf(*m_proxy), QStringList{u"Never used"_s});
        m_proxy->setSearchText(u"  "_s);
        QCOMPARE(m_proxy->rowCount(), 5);
        m_proxy->setSearchText(u"nothing like this"_s);
        QCOMPARE(m_proxy->rowCount(), 0);
    }

    void statusFilter_eachKind()
    {
        m_model->setKeys(sampleKeys());
        using F = ApiKeyFilterProxyModel::StatusFilter;
        m_proxy->setStatusFilter(F::Enabled);
        QCOMPARE(m_proxy->rowCount(), 4);
        m_proxy->setStatusFilter(F::Disabled);
        QCOMPARE(namesOf(*m_proxy), QStringList{u"Billing export"_s});
        m_proxy->setStatusFilter(F::Stale); // used > 90 days ago, or never used and created > 90 days ago
        QCOMPARE(namesOf(*m_proxy), (QStringList{u"Old reporting"_s, u"Never used"_s}));
        m_proxy->setStaleDays(5);
        QCOMPARE(namesOf(*m_proxy), (QStringList{u"Old reporting"_s, u"Never used"_s, u"Analytics"_s}));
        m_proxy->setStatusFilter(F::RotationDue); // enabled, not replaced, created more than 90 days ago
        QCOMPARE(namesOf(*m_proxy), (QStringList{u"Old reporting"_s, u"Never used"_s, u"Analytics"_s}));
        m_proxy->setRotationDays(20); // Billing export (30 days old) is disabled: not due
        QCOMPARE(namesOf(*m_proxy), (QStringList{u"Old reporting"_s, u"Never used"_s, u"Analytics"_s}));
        m_proxy->setRotationDays(300);
        QCOMPARE(namesOf(*m_proxy), QStringList{u"Analytics"_s});
        // The filter lists exactly the keys the Status column flags.
        for (int r = 0; r < m_proxy->rowCount(); ++r)
            QVERIFY(m_proxy->index(r, ApiKeyTableModel::Status).data(Qt::AccessibleTextRole).toString().endsWith(
                u"rotation due"_s));
        ApiKey replaced = sampleKeys().at(4);
        replaced.replacedBy = u"key_e"_s;
        m_model->upsertKey(replaced);
        QCOMPARE(m_proxy->rowCount(), 0);
        m_proxy->setStatusFilter(F::ExpiringSoon);
        QCOMPARE(namesOf(*m_proxy), QStringList{u"Deploy bot"_s});
        m_proxy->setExpiringSoonDays(3);
        QCOMPARE(m_proxy->rowCount(), 0);
        m_proxy->setStatusFilter(F::All);
        QCOMPARE(m_proxy->rowCount(), 5);
        QCOMPARE(ApiKeyFilterProxyModel::statusFilterNames().size(), int(F::ExpiringSoon) + 1);
    }

    void disablingUnderEnabledFilter_removesRowFromProxy()
    {
        m_model->setKeys(sampleKeys());
        m_proxy->setStatusFilter(ApiKeyFilterProxyModel::StatusFilter::Enabled);
        m_proxy->setSearchText(u"deploy"_s);
        QCOMPARE(m_proxy->rowCount(), 1);
        ApiKey k = sampleKeys().at(0);
        k.enabled = false;
        k.status = u"disabled"_s;
        m_model->upsertKey(k);
        QCOMPARE(m_proxy->rowCount(), 0);
        k.enabled = true;
        k.status = u"enabled"_s;
        m_model->upsertKey(k);
        QCOMPARE(m_proxy->rowCount(), 1);
    }

private:
    std::unique_ptr<ApiKeyTableModel> m_model;
    std::unique_ptr<ApiKeyFilterProxyModel> m_proxy;
    std::unique_ptr<QAbstractItemModelTester> m_modelTester;
    std::unique_ptr<QAbstractItemModelTester> m_proxyTester;
};

QTEST_GUILESS_MAIN(TestApiKeyModels)
#include "tst_apikeymodels.moc"
