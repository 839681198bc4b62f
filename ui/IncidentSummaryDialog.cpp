#include "IncidentSummaryDialog.h"

#include "AccessibleField.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace datarecs {

IncidentSummaryDialog::IncidentSummaryDialog(const ApiKey &key, const QString &roleTitle, const QString &reportedBy,
                                             QWidget *parent)
    : QDialog(parent)
    , m_key(key)
    , m_roleTitle(roleTitle)
    , m_reportedBy(reportedBy)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
    , m_text(new QPlainTextEdit(this))
    , m_copyButton(new QPushButton(tr("&Copy"), this))
    , m_replaceButton(new QPushButton(tr("Create &replacement…"), this))
    , m_closeButton(new QPushButton(tr("Close"), this))
    , m_copiedLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("incidentSummaryDialog"));
    setWindowTitle(tr("Compromised key: steps taken"));
    setAccessibleName(tr("Compromised key: steps taken"));
    setAccessibleDescription(tr("What was done about the compromised key, to paste into an incident report."));

    auto *intro = new QLabel(tr("“%1” was reported as compromised. These are the steps taken so far; copy them "
                                "into your incident report.")
                                 .arg(key.name),
                             this);
    intro->setObjectName(QStringLiteral("incidentIntro"));
    setAccessibleField(intro, tr("Introduction"));
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::PlainText);

    m_text->setObjectName(QStringLiteral("incidentSummaryText"));
    m_text->setAccessibleName(tr("Steps taken"));
    m_text->setAccessibleDescription(tr("The report, with times in UTC and the server's request ids."));
    m_text->setReadOnly(true);
    m_text->setTabChangesFocus(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_text->setMinimumSize(m_text->fontMetrics().horizontalAdvance(QString(90, u'0')),
                           m_text->fontMetrics().lineSpacing() * 18);

    m_copyButton->setObjectName(QStringLiteral("copySummaryButton"));
    m_copyButton->setAccessibleName(tr("Copy"));
    m_copyButton->setAccessibleDescription(tr("Copies the steps taken to the clipboard, as plain text."));
    m_replaceButton->setObjectName(QStringLiteral("createReplacementButton"));
    m_replaceButton->setAccessibleName(tr("Create replacement"));
    m_replaceButton->setAccessibleDescription(tr("Opens the rotation wizard: a new key with the same role and "
                                                 "workspace."));
    m_closeButton->setObjectName(QStringLiteral("closeButton"));
    m_closeButton->setAccessibleName(tr("Close"));
    m_closeButton->setAccessibleDescription(tr("Closes this summary; the key stays disabled."));
    m_copiedLabel->setObjectName(QStringLiteral("copiedLabel"));
    setAccessibleField(m_copiedLabel, tr("Copy status"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_copyButton);
    buttons->addWidget(m_copiedLabel, 1);
    buttons->addWidget(m_replaceButton);
    buttons->addWidget(m_closeButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_text, 1);
    layout->addLayout(buttons);

    connect(m_copyButton, &QPushButton::clicked, this, [this] {
        // Ids and names only, no secret: a plain copy the incident report can take.
        QGuiApplication::clipboard()->setText(summaryText());
        m_copiedLabel->setText(tr("Copied."));
        Q_EMIT copied();
    });
    connect(m_replaceButton, &QPushButton::clicked, this, &IncidentSummaryDialog::replacementRequested);
    connect(m_closeButton, &QPushButton::clicked, this, &QDialog::accept);
    m_copyButton->setDefault(true);
    render();
}

void IncidentSummaryDialog::addStep(const QString &text, const QString &requestId)
{
    const QString when = m_clock().toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'"));
    m_steps.append(requestId.isEmpty() ? tr("%1  %2").arg(when, text)
                                       : tr("%1  %2 (request id %3)").arg(when, text, requestId));
    render();
}

void IncidentSummaryDialog::setReplacementAvailable(bool available, const QString &reason)
{
    m_replaceButton->setEnabled(available);
    m_replaceButton->setToolTip(available ? m_replaceButton->accessibleDescription() : reason);
}

QString IncidentSummaryDialog::summaryText() const
{
    QStringList lines;
    lines << tr("Compromised API key: “%1” (%2)").arg(m_key.name, m_key.id);
    const QString role = m_roleTitle.isEmpty() ? m_key.role : tr("%1 (%2)").arg(m_roleTitle, m_key.role);
    lines << tr("Role: %1; workspace: %2")
                 .arg(role, m_key.workspace ? tr("%1 (%2)").arg(m_key.workspace->name, m_key.workspace->id)
                                                  : tr("all workspaces"));
    if (m_key.lastUsedAt)
        lines << tr("Last used before the report: %1%2")
                     .arg(m_key.lastUsedAt->toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'")),
                          m_key.lastUsedIp ? tr(" from %1").arg(*m_key.lastUsedIp) : QString());
    else
        lines << tr("Last used before the report: never");
    lines << tr("Reported by: %1").arg(m_reportedBy);
    lines << QString() << tr("Steps taken (UTC):");
    lines << m_steps;
    lines << QString() << tr("Still to do:");
    lines << tr("- Review the audit log for everything done with this key.");
    lines << tr("- Move the systems that used the key to a replacement (create one if the integration still "
                "needs it).");
    lines << tr("- Consider rotating other credentials if the key had broad access.");
    lines << tr("- Delete the key once the review is done.");
    return lines.join(u'\n');
}

void IncidentSummaryDialog::render()
{
    m_text->setPlainText(summaryText());
    m_copiedLabel->clear();
}

} // namespace datarecs
