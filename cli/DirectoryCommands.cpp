#include "DirectoryCommands.h"

#include "Context.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace datarecs::cli::DirectoryCommands {

void roles(Context &ctx)
{
    ctx.client.roles()->onFinished(&ctx, [&ctx](const Result<QList<Role>> &r) {
        if (!r) return ctx.fail(r.error());
        Output::Rows table{{u"NAME"_s, u"SCOPE"_s, u"RANK"_s, u"TITLE"_s, u"PERMISSIONS"_s}, {}};
        Output::Rows csv{{u"name"_s, u"title"_s, u"scope"_s, u"rank"_s, u"description"_s, u"permissions"_s},
                         {}};
        QJsonArray json;
        for (const Role &role : r.value()) {
            table.rows.append({role.name, role.scope, QString::number(role.rank), role.title,
                               role.permissions.join(u", "_s)});
            csv.rows.append({role.name, role.title, role.scope, QString::number(role.rank), role.description,
                             role.permissions.join(u' ')});
            json.append(role.toJson());
        }
        ctx.output.list(table, csv, json);
        ctx.done();
    });
}

void workspaces(Context &ctx)
{
    ctx.client.workspaces()->onFinished(&ctx, [&ctx](const Result<QList<Workspace>> &r) {
        if (!r) return ctx.fail(r.error());
        Output::Rows table{{u"ID"_s, u"NAME"_s, u"DESCRIPTION"_s}, {}};
        Output::Rows csv{{u"id"_s, u"name"_s, u"description"_s}, {}};
        QJsonArray json;
        for (const Workspace &w : r.value()) {
            table.rows.append({w.id, w.name, w.description});
            csv.rows.append({w.id, w.name, w.description});
            json.append(w.toJson());
        }
        ctx.output.list(table, csv, json);
        ctx.done();
    });
}

void quota(Context &ctx)
{
    ctx.client.quota()->onFinished(&ctx, [&ctx](const Result<Quota> &r) {
        if (!r) return ctx.fail(r.error());
        const Quota &q = r.value();
        const QStringList numbers{QString::number(q.limit), QString::number(q.used),
                                  QString::number(q.remaining)};
        ctx.output.record({{u"Limit"_s, numbers[0]}, {u"Used"_s, numbers[1]}, {u"Remaining"_s, numbers[2]}},
                          {{u"limit"_s, u"used"_s, u"remaining"_s}, {numbers}}, q.toJson());
        ctx.done();
    });
}

} // namespace datarecs::cli::DirectoryCommands
