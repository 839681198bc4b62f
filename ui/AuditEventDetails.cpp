#include "AuditEventDetails.h"

#include "AccessibleField.h"
#include "AuditLogModel.h"
#include "TimeText.h"
#include "WrappedText.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace datarecs {

AuditEventDetails::AuditEventDetails(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(tr("Event details")))
    , m_empty(new QLabel(tr("Select an event to see every field of its record.")))
    , m_fields(new QWidget)
    , m_form(new QFormLayout(m_fields))
    , m_filterKey(new QPushButton(tr("&Filter by this key")))
    , m_filterActor(new QPushButton(tr("Filter by t&his actor")))
    , m_copyJson(new QPushButton(tr("Copy as &JSON")))
{
    setObjectName(u"auditEventDetails"_s);
    setAccessibleName(tr("Event details"));
    m_title->setObjectName(u"eventTitle"_s);
    setAccessibleField(m_title, tr("Event"));
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_title->setFont(bold);
    m_empty->setObjectName(u"eventEmptyLabel"_s);
    m_empty->setAccessibleName(tr("No event selected"));
    m_empty->setWordWrap(true);
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::WrapLongRows); // in a narrow pane, a long value goes below its label

    m_id = addField(u"eventIdValue"_s, tr("Event id"));
    m_time = addField(u"eventTimeValue"_s, tr("Time"));
    m_actor = addTextField(u"eventActorValue"_s, tr("Actor"));
    m_action = addField(u"eventActionValue"_s, tr("Action"));
    m_target = addTextField(u"eventTargetValue"_s, tr("Target"));
    m_workspace = addField(u"eventWorkspaceValue"_s, tr("Workspace"));
    m_outcome = addField(u"eventOutcomeValue"_s, tr("Outcome"));
    m_status = addField(u"eventStatusValue"_s, tr("HTTP status"));
    m_method = addField(u"eventMethodValue"_s, tr("Method"));
    m_path = addTextField(u"eventPathValue"_s, tr("Path"));
    m_source = addField(u"eventSourceValue"_s, tr("Source address"));
    m_userAgent = addTextField(u"eventUserAgentValue"_s, tr("User agent"));
    m_requestId = addField(u"eventRequestIdValue"_s, tr("Request id"));
    m_detail = addTextField(u"eventDetailValue"_s, tr("Detail"));
    m_prevHash = addHashField(u"eventPrevHashValue"_s, tr("Previous hash"));
    m_hash = addHashField(u"eventHashValue"_s, tr("Hash"));
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (QLabel *l : {m_id, m_requestId})
        l->setFont(fixed);
    QFont smallFixed = fixed;
    smallFixed.setPointSizeF(fixed.pointSizeF() * 0.9);
    m_prevHash->setFont(smallFixed);
    m_hash->setFont(smallFixed);
    const QString chain = tr("Each record's hash covers its fields and the previous record's hash, so a changed "
                             "or removed record breaks the chain (see Verify integrity).");
    m_prevHash->setToolTip(chain);
    m_hash->setToolTip(chain);

    m_filterKey->setObjectName(u"filterByKeyButton"_s);
    m_filterKey->setAccessibleName(tr("Filter by this key"));
    m_filterActor->setObjectName(u"filterByActorButton"_s);
    m_filterActor->setAccessibleName(tr("Filter by this actor"));
    m_copyJson->setObjectName(u"copyJsonButton"_s);
    m_copyJson->setAccessibleName(tr("Copy as JSON"));
    connect(m_filterKey, &QPushButton::clicked, this, [this] {
        if (m_event && !apiKeyOf(*m_event).isEmpty())
            Q_EMIT filterByKeyRequested(apiKeyOf(*m_event));
    });
    connect(m_filterActor, &QPushButton::clicked, this, [this] {
        if (m_event && m_event->actor.id)
            Q_EMIT filterByActorRequested(*m_event->actor.id);
    });
    connect(m_copyJson, &QPushButton::clicked, this, [this] {
        if (!m_event)
            return;
        QGuiApplication::clipboard()->setText(json(*m_event));
        Q_EMIT copied(tr("Event %1 copied to the clipboard as JSON.").arg(m_event->id));
    });

    // Stacked: the pane is narrow, and the labels must not be cut.
    auto *buttons = new QVBoxLayout;
    for (QPushButton *b : {m_filterKey, m_filterActor, m_copyJson})
        buttons->addWidget(b, 0, Qt::AlignLeft);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_empty);
    layout->addWidget(m_fields);
    layout->addLayout(buttons);
    layout->addStretch(1);
    setEvent(std::nullopt);
}

QLabel *AuditEventDetails::addField(const QString &objectName, const QString &label)
{
    auto *value = new QLabel;
    value->setObjectName(objectName);
    setAccessibleField(value, label);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    value->setFocusPolicy(Qt::StrongFocus); // Tab reaches every value, to read or copy it
    value->setTextFormat(Qt::PlainText);
    m_form->addRow(tr("%1:").arg(label), value);
    return value;
}

WrappedText *AuditEventDetails::addTextField(const QString &objectName, const QString &label)
{
    auto *value = new WrappedText;
    value->setObjectName(objectName);
    value->setAccessibleName(label);
    m_form->addRow(tr("%1:").arg(label), value);
    return value;
}

WrappedText *AuditEventDetails::addHashField(const QString &objectName, const QString &label)
{
    // A hash is 64 digits with no place to break: it goes under its label, across the whole pane,
    // and wraps anywhere rather than widen the pane.
    auto *value = new WrappedText;
    value->setObjectName(objectName);
    value->setAccessibleName(label);
    auto *caption = new QLabel(tr("%1:").arg(label));
    caption->setBuddy(value);
    m_form->addRow(caption);
    m_form->addRow(value);
    return value;
}

QString AuditEventDetails::apiKeyOf(const AuditEvent &event)
{
    if (event.actor.type == u"api_key" && event.actor.id)
        return *event.actor.id;
    if (event.target && event.target->type == u"api_key")
        return event.target->id;
    return QString();
}

QString AuditEventDetails::json(const AuditEvent &event)
{
    return QString::fromUtf8(QJsonDocument(event.toJson()).toJson(QJsonDocument::Indented));
}

void AuditEventDetails::setEvent(const std::optional<AuditEvent> &event)
{
    m_event = event;
    m_empty->setVisible(!event);
    m_fields->setVisible(event.has_value());
    m_copyJson->setEnabled(event.has_value());
    m_filterKey->setEnabled(event && !apiKeyOf(*event).isEmpty());
    m_filterActor->setEnabled(event && event->actor.id.has_value());
    if (!event) {
        m_title->setText(tr("Event details"));
        return;
    }
    const AuditEvent &e = *event;
    const QString none = tr("None");
    auto orNone = [&none](const std::optional<QString> &s) { return s && !s->isEmpty() ? *s : none; };
    m_title->setText(tr("%1 – %2").arg(e.action, AuditLogModel::outcomeText(e.outcome)));
    m_id->setText(QString::number(e.id));
    // Exact to the millisecond in UTC (as exported); local time too where it differs.
    const QString utc = e.occurredAt.toUTC().toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s) + u" UTC"_s;
    const bool local = e.occurredAt.toLocalTime().offsetFromUtc() != 0;
    m_time->setText(local ? tr("%1\n%2").arg(TimeText::exact(e.occurredAt), utc) : utc);
    QString actor = AuditLogModel::actorText(e.actor);
    if (e.actor.id)
        actor += u'\n' + *e.actor.id;
    m_actor->setText(actor);
    m_action->setText(e.action);
    if (e.target) {
        m_target->setText(tr("%1 %2\n%3").arg(e.target->type, e.target->name.value_or(tr("(no name)")),
                                             e.target->id));
    } else {
        m_target->setText(none);
    }
    m_workspace->setText(orNone(e.workspaceId));
    m_outcome->setText(AuditLogModel::outcomeText(e.outcome));
    m_status->setText(e.httpStatus ? QString::number(*e.httpStatus) : none);
    m_method->setText(orNone(e.method));
    m_path->setText(orNone(e.path));
    m_source->setText(orNone(e.sourceIp));
    m_userAgent->setText(orNone(e.userAgent));
    m_requestId->setText(orNone(e.requestId));
    m_detail->setText(orNone(e.detail));
    m_prevHash->setText(e.prevHash);
    m_hash->setText(e.hash);
}

} // namespace datarecs
