#include "CheckKeyDialog.h"

#include "AccessibleField.h"
#include "ApiClient.h"
#include "FitToContents.h"
#include "KeyFormat.h"
#include "SecretField.h"
#include "TimeText.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace datarecs {

CheckKeyDialog::CheckKeyDialog(ApiClient *client, const QHash<QString, QString> &roleTitles, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_roleTitles(roleTitles)
    , m_valueEdit(new QLineEdit(this))
    , m_showCheck(new QCheckBox(tr("&Show value"), this))
    , m_checkButton(new QPushButton(tr("C&heck"), this))
    , m_result(new QLabel(this))
    , m_showInListButton(new QPushButton(tr("Show in &list"), this))
    , m_closeButton(new QPushButton(tr("Close"), this))
{
    setObjectName(QStringLiteral("checkKeyDialog"));
    setWindowTitle(tr("Check a key value"));
    setAccessibleName(tr("Check a key value"));
    setAccessibleDescription(tr("Finds which of this tenant's keys a value belongs to."));

    auto *intro = new QLabel(tr("Paste a key value, for example one found in a log or a repository, to see which "
                                "key of this tenant it is. The value is checked here first, sent only to your "
                                "DataRecs server, and cleared when this window closes."),
                             this);
    intro->setObjectName(QStringLiteral("checkKeyIntro"));
    setAccessibleField(intro, tr("Introduction"));
    intro->setWordWrap(true);

    auto *valueLabel = new QLabel(tr("Key &value:"), this);
    m_valueEdit->setObjectName(QStringLiteral("checkValueEdit"));
    m_valueEdit->setAccessibleName(tr("Key value"));
    m_valueEdit->setAccessibleDescription(tr("The full value, starting with drk_. Hidden unless Show value is ticked."));
    m_valueEdit->setPlaceholderText(tr("drk_…"));
    m_valueEdit->setEchoMode(QLineEdit::Password);
    m_valueEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_valueEdit->setMinimumWidth(m_valueEdit->fontMetrics().horizontalAdvance(QString(KeyFormat::TotalLength + 4, u'M')));
    valueLabel->setBuddy(m_valueEdit);
    // Shown, the pasted value must not be copied out again (it is someone's live key): no copy,
    // selection, drag or menu. The dialog has no Copy of its own, so Ctrl+C does nothing.
    guardSecretField(m_valueEdit);
    m_showCheck->setObjectName(QStringLiteral("checkShowValue"));
    m_showCheck->setAccessibleName(tr("Show value"));
    m_showCheck->setAccessibleDescription(tr("Shows the pasted value in clear text."));
    m_checkButton->setObjectName(QStringLiteral("checkButton"));
    m_checkButton->setAccessibleName(tr("Check"));
    m_checkButton->setAccessibleDescription(tr("Checks the value's format, then finds the key it belongs to."));
    m_checkButton->setDefault(true);
    m_result->setObjectName(QStringLiteral("checkResult"));
    setAccessibleField(m_result, tr("Result"));
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_result->setFocusPolicy(Qt::StrongFocus);
    m_result->setVisible(false);
    m_showInListButton->setObjectName(QStringLiteral("showInListButton"));
    m_showInListButton->setAccessibleName(tr("Show in list"));
    m_showInListButton->setAccessibleDescription(tr("Selects the key found in the API Keys list."));
    m_showInListButton->setAutoDefault(false);
    m_showInListButton->setVisible(false);
    m_closeButton->setObjectName(QStringLiteral("closeButton"));
    m_closeButton->setAccessibleName(tr("Close"));
    m_closeButton->setAccessibleDescription(tr("Closes the window and clears the value."));
    m_closeButton->setAutoDefault(false);

    auto *valueRow = new QHBoxLayout;
    valueRow->addWidget(m_valueEdit, 1);
    valueRow->addWidget(m_showCheck);
    valueRow->addWidget(m_checkButton);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_showInListButton);
    buttons->addStretch(1);
    buttons->addWidget(m_closeButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(valueLabel);
    layout->addLayout(valueRow);
    layout->addWidget(m_result);
    layout->addStretch(1);
    layout->addLayout(buttons);

    connect(m_showCheck, &QCheckBox::toggled, this, [this](bool show) { showSecretField(m_valueEdit, show); });
    connect(m_valueEdit, &QLineEdit::textChanged, this, [this] {
        // A new value: the last answer no longer applies.
        m_foundId.clear();
        m_showInListButton->setVisible(false);
        setResult(QString());
    });
    connect(m_valueEdit, &QLineEdit::returnPressed, this, &CheckKeyDialog::check);
    connect(m_checkButton, &QPushButton::clicked, this, &CheckKeyDialog::check);
    connect(m_showInListButton, &QPushButton::clicked, this, [this] {
        if (!m_foundId.isEmpty())
            Q_EMIT showKeyRequested(m_foundId);
    });
    connect(m_closeButton, &QPushButton::clicked, this, &QDialog::reject);
}

CheckKeyDialog::~CheckKeyDialog()
{
    m_valueEdit->setText(QString());
}

QString CheckKeyDialog::resultText() const
{
    return m_result->text();
}

void CheckKeyDialog::setResult(const QString &text)
{
    m_result->setText(text);
    m_result->setVisible(!text.isEmpty());
    // A found key takes five or six lines: grow so that all of them show.
    growToFitContents(this);
}

void CheckKeyDialog::check()
{
    if (m_checking)
        return;
    // Pasted values often carry a stray space or line break; the key itself never does.
    const QString value = m_valueEdit->text().trimmed();
    if (value.isEmpty()) {
        setResult(tr("Paste a key value first."));
        return;
    }
    const KeyFormat::Check format = KeyFormat::check(value);
    if (format != KeyFormat::Check::Valid) {
        setResult(tr("This is not a valid DataRecs key value: %1 Nothing was sent to the server.")
                      .arg(KeyFormat::describe(format)));
        return;
    }
    m_checking = true;
    m_checkButton->setEnabled(false);
    setResult(tr("The format and checksum are correct. Looking the key up…"));
    auto *call = m_client->lookupApiKey(value);
    call->onFinished(this, [this](const Result<ApiKey> &result) {
        m_checking = false;
        m_checkButton->setEnabled(true);
        if (result) {
            showFound(result.value());
            return;
        }
        const ApiError &error = result.error();
        if (error.httpStatus() == 404) {
            setResult(tr("The value is well formed, but it is not a key of this tenant (or not one you can see). "
                         "It may belong to another tenant, or its key was deleted."));
            return;
        }
        Q_EMIT requestFailed(error);
        setResult(tr("Could not look the key up. %1").arg(error.userMessage()));
    });
}

void CheckKeyDialog::showFound(const ApiKey &key)
{
    m_foundId = key.id;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QStringList lines;
    lines << tr("This value belongs to “%1” (%2).").arg(key.name, key.id);
    lines << tr("Role: %1").arg(m_roleTitles.value(key.role, key.role));
    lines << tr("Workspace: %1").arg(key.workspace ? key.workspace->name : tr("All workspaces (not restricted)"));
    if (key.status == u"enabled")
        lines << tr("Status: enabled — requests with this value are accepted.");
    else if (key.status == u"expired")
        lines << tr("Status: expired — requests with this value are refused.");
    else
        lines << tr("Status: disabled — requests with this value are refused.");
    if (!key.lastUsedAt)
        lines << tr("Last used: never.");
    else
        lines << tr("Last used: %1 (%2)%3.")
                     .arg(TimeText::exact(*key.lastUsedAt), TimeText::relative(*key.lastUsedAt, now),
                          key.lastUsedIp ? tr(" from %1").arg(*key.lastUsedIp) : QString());
    if (key.replacedBy)
        lines << tr("It has been replaced by %1.").arg(*key.replacedBy);
    setResult(lines.join(u'\n'));
    m_showInListButton->setVisible(true);
}

void CheckKeyDialog::done(int result)
{
    // The value must not outlive the question: clear it (and its undo history) on every way out.
    m_valueEdit->setText(QString());
    m_showCheck->setChecked(false);
    QDialog::done(result);
}

} // namespace datarecs
