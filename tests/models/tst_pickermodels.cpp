// RoleListModel and WorkspaceListModel, each under QAbstractItemModelTester for the whole test.

#include "RoleListModel.h"
#include "WorkspaceListModel.h"

#include <QAbstractItemModelTester>
#include <QTest>

#include <memory>

using namespace datarecs;
using namespace Qt::StringLiterals;

class TestPickerModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_roles = std::make_unique<RoleListModel>();
        m_workspaces = std::make_unique<WorkspaceListModel>();
        m_rolesTester = std::make_unique<QAbstractItemModelTester>(
            m_roles.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_workspacesTester = std::make_unique<QAbstractItemModelTester>(
            m_workspaces.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanup()
    {
        m_rolesTester.reset();
        m_workspacesTester.reset();
        m_roles.reset();
        m_workspaces.reset();
    }

    void roles_areSortedNarrowestFirst_withTitlesAndDetails()
    {
        m_roles->setRoles({{u"owner"_s, u"Owner"_s, u"Everything"_s, u"platform"_s, 100, {u"read_api_keys"_s}},
                           {u"workspace_viewer"_s, u"Workspace viewer"_s, u"Reads"_s, u"workspace"_s, 20, {}},
                           {u"admin"_s, u"Admin"_s, u"Almost everything"_s, u"platform"_s, 80, {}}});
        QCOMPARE(m_roles->rowCount(), 3);
        QCOMPARE(m_roles->index(0).data().toString(), u"Workspace viewer"_s);
        QCOMPARE(m_roles->index(2).data(RoleListModel::NameRole).toString(), u"owner"_s);
        QCOMPARE(m_roles->index(2).data(RoleListModel::RankRole).toLongLong(), 100);
        QCOMPARE(m_roles->index(2).data(RoleListModel::PermissionsRole).toStringList(), QStringList{u"read_api_keys"_s});
        QCOMPARE(m_roles->index(1).data(Qt::ToolTipRole).toString(), u"Almost everything"_s);
        QCOMPARE(m_roles->titles().value(u"admin"_s), u"Admin"_s);
        QVERIFY(m_roles->role(u"owner"_s));
        QVERIFY(!m_roles->role(u"nobody"_s));
        m_roles->setRoles({});
        QCOMPARE(m_roles->rowCount(), 0);
    }

    void workspaces_sortedByName_withOptionalAllRow()
    {
        m_workspaces->setWorkspaces({{u"ws_2"_s, u"Marketing"_s, u""_s}, {u"ws_1"_s, u"Finance"_s, u"Money"_s}});
        QCOMPARE(m_workspaces->rowCount(), 2);
        QCOMPARE(m_workspaces->index(0).data().toString(), u"Finance"_s);
        QCOMPARE(m_workspaces->index(0).data(WorkspaceListModel::IdRole).toString(), u"ws_1"_s);
        QCOMPARE(m_workspaces->rowOf(u""_s), -1);

        m_workspaces->setAllWorkspacesRow(true);
        QCOMPARE(m_workspaces->rowCount(), 3);
        QCOMPARE(m_workspaces->index(0).data().toString(), u"All workspaces"_s);
        QVERIFY(m_workspaces->index(0).data(WorkspaceListModel::IdRole).toString().isEmpty());
        QCOMPARE(m_workspaces->rowOf(u"ws_2"_s), 2);
        QCOMPARE(m_workspaces->rowOf(u""_s), 0);

        m_workspaces->setAllWorkspacesRow(false);
        QCOMPARE(m_workspaces->rowOf(u"ws_2"_s), 1);
    }

private:
    std::unique_ptr<RoleListModel> m_roles;
    std::unique_ptr<WorkspaceListModel> m_workspaces;
    std::unique_ptr<QAbstractItemModelTester> m_rolesTester;
    std::unique_ptr<QAbstractItemModelTester> m_workspacesTester;
};

QTEST_GUILESS_MAIN(TestPickerModels)
#include "tst_pickermodels.moc"
