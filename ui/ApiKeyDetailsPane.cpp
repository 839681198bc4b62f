#include "ApiKeyDetailsPane.h"

#include "AccessibleField.h"
#include "ApiKeyTableModel.h"
#include "KeyRecentActivity.h"
#include "PlainToolTip.h"
#include "TimeText.h"
#include "ui_ApiKeyDetailsPane.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>

namespace datarecs {

ApiKeyDetailsPane::ApiKeyDetailsPane(QWidget *parent)
    : QWidget(parent), m_ui(std::make_unique<Ui::ApiKeyDetailsPane>()), m_activity(new KeyRecentActivity)
{
    m_ui->setupUi(this);
    const std::pair<QLabel *, QString> fields[] = {
        {m_ui->idValue, tr("ID")},
        {m_ui->hintValue, tr("Key hint")},
        {m_ui->roleValue, tr("Role")},
        {m_ui->workspaceValue, tr("Workspace")},
        {m_ui->statusValue, tr("Status")},
        {m_ui->createdByValue, tr("Created by")},
        {m_ui->createdValue, tr("Created")},
        {m_ui->updatedValue, tr("Updated")},
        {m_ui->lastUsedValue, tr("Last used")},
        {m_ui->expiresValue, tr("Expires")},
    };
    for (const auto &[value, field] : fields)
        setAccessibleField(value, field);
    // "Recent activity": a heading (the label of the .ui) and the key's last events below it.
    m_ui->activityLabel->setText(tr("Recent activity"));
    QFont heading = m_ui->activityLabel->font();
    heading.setBold(true);
    m_ui->activityLabel->setFont(heading);
    m_ui->mainLayout->insertWidget(m_ui->mainLayout->indexOf(m_ui->activityLabel) + 1, m_activity);
    connect(m_activity, &KeyRecentActivity::activityRequested, this, &ApiKeyDetailsPane::activityRequested);
    m_ui->formLayout->setContentsMargins(0, 0, 0, 0);
    QFont title = m_ui->titleLabel->font();
    title.setBold(true);
    title.setPointSizeF(title.pointSizeF() * 1.15);
    m_ui->titleLabel->setFont(title);
    m_ui->idValue->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_ui->hintValue->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    // Values are shown as typed, never read as HTML (a name such as "<b>ci</b>" must not turn bold,
    // and markup must not hide part of a name). The title, the name and the description are
    // WrappedText: plain text that wraps even inside a long word, such as a URL in a description.
    // The other values are short and keep to one line each.
    for (QLabel *value : findChildren<QLabel *>()) {
        if (!value->objectName().endsWith(u"Value"))
            continue;
        value->setTextFormat(Qt::PlainText); // the two links below are rich text, built with escaping
        value->setWordWrap(false);
    }
    connect(m_ui->copyIdButton, &QToolButton::clicked, this, [this] {
        if (m_keyId.isEmpty())
            return;
        // An id is not a secret: a plain copy, no clipboard markers or timeout.
        QGuiApplication::clipboard()->setText(m_keyId);
        Q_EMIT copied(tr("Key id %1 copied to the clipboard.").arg(m_keyId));
    });
    // The linked keys are links a keyboard can reach (Tab) and follow (Enter).
    for (QLabel *link : {m_ui->replacesValue, m_ui->replacedByValue}) {
        link->setTextFormat(Qt::RichText);
        // A rotated key's name ends in "(rotated YYYY-MM-DD)": on one line it pushed the pane sideways.
        link->setWordWrap(true);
        link->setTextInteractionFlags(Qt::TextBrowserInteraction);
        link->setOpenExternalLinks(false);
        connect(link, &QLabel::linkActivated, this, [this](const QString &href) {
            if (href.startsWith(u"key:"))
                Q_EMIT keyLinkActivated(href.mid(4));
        });
    }
    showKey(std::nullopt);
}

void ApiKeyDetailsPane::showLink(QLabel *label, const std::optional<QString> &id, const QString &what)
{
    if (!id || id->isEmpty()) {
        label->setText(tr("None"));
        label->setAccessibleName(tr("%1: none").arg(what));
        label->setAccessibleDescription(QString());
        label->setToolTip(QString());
        return;
    }
    const ApiKey *other = m_model ? m_model->keyById(*id) : nullptr;
    if (!other) {
        // Deleted, or not loaded: the id is all there is, and there is nothing to select.
        label->setText(tr("%1<br>(no longer in the list)").arg(id->toHtmlEscaped()));
        label->setAccessibleName(tr("%1: %2, no longer in the list").arg(what, *id));
        label->setAccessibleDescription(QString());
        label->setToolTip(QString());
        return;
    }
    label->setText(tr("<a href=\"key:%1\">%2</a><br>%1").arg(id->toHtmlEscaped(), other->name.toHtmlEscaped()));
    label->setAccessibleName(tr("%1: %2 (%3)").arg(what, other->name, *id));
    label->setAccessibleDescription(tr("A link: Enter selects that key in the list."));
    label->setToolTip(plainToolTip(tr("Select “%1” in the list").arg(other->name)));
}

ApiKeyDetailsPane::~ApiKeyDetailsPane() = default;

void ApiKeyDetailsPane::setClient(ApiClient *client)
{
    m_activity->setClient(client);
}

void ApiKeyDetailsPane::showKey(const std::optional<ApiKey> &key)
{
    m_keyId = key ? key->id : QString();
    m_activity->showKey(m_keyId, key ? key->updatedAt : QDateTime());
    m_ui->copyIdButton->setEnabled(key.has_value());
    if (key)
        showFields(*key);
    else
        m_ui->titleLabel->setText(tr("Key details"));
    // Shown once their texts are set: showing the fields lays them out, which measures every text,
    // and texts set afterwards would be measured again.
    m_ui->activityLabel->setVisible(key.has_value());
    m_ui->emptyLabel->setVisible(!key);
    m_ui->fieldsWidget->setVisible(key.has_value());
}

void ApiKeyDetailsPane::showFields(const ApiKey &k)
{
    const QDateTime now = m_model ? m_model->now() : QDateTime::currentDateTimeUtc();
    auto orNone = [](const QString &s) { return s.isEmpty() ? tr("None") : s; };
    // Secondary facts (ids, relative times) go on a second line rather than relying on word wrap,
    // which clips inside a scroll area.
    auto timeWithRelative = [&now](const QDateTime &t) {
        return tr("%1\n%2").arg(TimeText::exact(t), TimeText::relative(t, now));
    };

    m_ui->titleLabel->setText(k.name);
    m_ui->nameValue->setText(k.name);
    m_ui->idValue->setText(k.id);
    m_ui->hintValue->setText(k.hint);
    m_ui->descriptionValue->setText(orNone(k.description));
    const QString title = m_model ? m_model->roleTitle(k.role) : k.role;
    m_ui->roleValue->setText(title == k.role ? k.role : tr("%1\n%2").arg(title, k.role));
    m_ui->workspaceValue->setText(k.workspace ? tr("%1\n%2").arg(k.workspace->name, k.workspace->id)
                                              : tr("All workspaces\n(not restricted)"));
    m_ui->statusValue->setText(ApiKeyTableModel::statusText(k));
    m_ui->createdByValue->setText(k.createdBy.type == u"api_key"
                                      ? tr("%1\nAPI key %2").arg(k.createdBy.name, k.createdBy.id)
                                      : tr("%1\nuser %2").arg(k.createdBy.name, k.createdBy.id));
    m_ui->createdValue->setText(timeWithRelative(k.createdAt));
    m_ui->updatedValue->setText(timeWithRelative(k.updatedAt));
    if (!k.lastUsedAt)
        m_ui->lastUsedValue->setText(tr("Never used"));
    else if (k.lastUsedIp)
        m_ui->lastUsedValue->setText(tr("%1\nfrom %2").arg(timeWithRelative(*k.lastUsedAt), *k.lastUsedIp));
    else
        m_ui->lastUsedValue->setText(timeWithRelative(*k.lastUsedAt));
    m_ui->expiresValue->setText(k.expiresAt ? timeWithRelative(*k.expiresAt) : tr("Never"));
    showLink(m_ui->replacesValue, k.replaces, tr("Replaces"));
    showLink(m_ui->replacedByValue, k.replacedBy, tr("Replaced by"));
}

void ApiKeyDetailsPane::reloadActivity()
{
    if (!m_keyId.isEmpty())
        m_activity->reload();
}

} // namespace datarecs
