#include "KeyRecentActivity.h"

#include "AccessibleField.h"
#include "ApiClient.h"
#include "AuditLogModel.h"
#include "TimeText.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace datarecs {

KeyRecentActivity::KeyRecentActivity(QWidget *parent)
    : QWidget(parent)
    , m_list(new QLabel)
    , m_viewAll(new QPushButton(tr("View all acti&vity")))
{
    setObjectName(u"recentActivity"_s);
    setAccessibleName(tr("Recent activity"));
    m_list->setObjectName(u"recentActivityList"_s);
    setAccessibleField(m_list, tr("Recent activity of the key"));
    m_list->setTextFormat(Qt::PlainText);
    m_list->setWordWrap(true);
    m_list->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_list->setFocusPolicy(Qt::StrongFocus);
    m_viewAll->setObjectName(u"viewAllActivityButton"_s);
    m_viewAll->setAccessibleName(tr("View all activity of the key"));
    connect(m_viewAll, &QPushButton::clicked, this, [this] {
        if (!m_keyId.isEmpty())
            Q_EMIT activityRequested(m_keyId);
    });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list);
    layout->addWidget(m_viewAll, 0, Qt::AlignLeft);
    showKey(QString(), {});
}

KeyRecentActivity::~KeyRecentActivity()
{
    if (m_call) {
        m_call->disconnect(this);
        m_call->cancel();
    }
}

void KeyRecentActivity::reload()
{
    const QString id = std::exchange(m_keyId, {});
    showKey(id, m_updatedAt);
}

QString KeyRecentActivity::text() const
{
    return m_list->text();
}

void KeyRecentActivity::showKey(const QString &apiKeyId, const QDateTime &updatedAt)
{
    if (apiKeyId == m_keyId && updatedAt == m_updatedAt && !apiKeyId.isEmpty())
        return; // the pane is refreshed on every change of the list: ask once per change of the key
    m_keyId = apiKeyId;
    m_updatedAt = updatedAt;
    if (m_call) {
        m_call->disconnect(this);
        m_call->cancel();
    }
    m_viewAll->setEnabled(!apiKeyId.isEmpty());
    if (apiKeyId.isEmpty() || !m_client || !m_client->hasCredential()) {
        m_list->setText(tr("Not loaded."));
        setVisible(!apiKeyId.isEmpty());
        Q_EMIT settled();
        return;
    }
    // The text before showing: showing lays the list out, which measures its text.
    m_list->setText(tr("Loading…"));
    setVisible(true);
    AuditQuery q;
    q.apiKeyId = apiKeyId;
    q.limit = EventCount;
    auto *call = m_client->listAuditEvents(q);
    m_call = call;
    call->onFinished(this, [this, call](const Result<Page<AuditEvent>> &r) {
        if (call != m_call)
            return;
        m_call = nullptr;
        showEvents(r);
        Q_EMIT settled();
    });
    // Sent at once: a new key's details are usually followed by painting the window, and the server
    // then answers during that paint instead of after it.
    call->startNow();
}

void KeyRecentActivity::showEvents(const Result<Page<AuditEvent>> &r)
{
    if (!r) {
        m_list->setText(r.error().httpStatus() == 403
                            ? tr("Your role cannot read the audit log (needs read_audit).")
                            : tr("Could not load the recent activity: %1").arg(r.error().userMessage()));
        return;
    }
    if (r.value().items.isEmpty()) {
        m_list->setText(tr("No recorded activity."));
        return;
    }
    QStringList lines;
    for (const AuditEvent &e : r.value().items) {
        lines << tr("%1  %2  %3 by %4")
                     .arg(TimeText::exact(e.occurredAt), e.action, AuditLogModel::outcomeText(e.outcome),
                          AuditLogModel::actorText(e.actor));
    }
    m_list->setText(lines.join(u'\n'));
}

} // namespace datarecs
