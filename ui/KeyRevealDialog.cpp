#include "KeyRevealDialog.h"

#include "AccessibleField.h"
#include "Confirmation.h"
#include "SecretClipboard.h"
#include "SecretField.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace datarecs {

KeyRevealDialog::KeyRevealDialog(const CreatedApiKey &created, const QString &roleTitle, QWidget *parent,
                                 SecretClipboard *clipboard)
    : QDialog(parent)
    , m_clipboard(clipboard ? clipboard : SecretClipboard::instance())
    , m_secret(created.secret)
    , m_keyId(created.apiKey.id)
    , m_timeoutMs(SecretClipboard::DefaultTimeoutMs)
{
    setObjectName(QStringLiteral("keyRevealDialog"));
    setWindowTitle(tr("New API key: copy its value now"));
    setAccessibleName(tr("New API key value"));

    auto *layout = new QVBoxLayout(this);

    auto *warning = new QLabel(tr("<b>This is the only time this value is shown.</b> Copy it into your "
                                  "password manager or secret store now: it cannot be shown again. If it is "
                                  "lost, create a new key."),
                               this);
    warning->setObjectName(QStringLiteral("revealWarning"));
    warning->setWordWrap(true);
    setAccessibleField(warning, tr("Warning"));
    layout->addWidget(warning);

    auto *form = new QFormLayout;
    auto addRow = [this, form](const QString &name, const QString &label, const QString &value) {
        auto *field = new QLabel(value, this);
        field->setObjectName(name);
        field->setTextFormat(Qt::PlainText);
        field->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        field->setAccessibleName(label);
        form->addRow(label, field);
    };
    addRow(QStringLiteral("revealName"), tr("Name:"), created.apiKey.name);
    addRow(QStringLiteral("revealRole"), tr("Role:"), roleTitle.isEmpty() ? created.apiKey.role : roleTitle);
    addRow(QStringLiteral("revealWorkspace"), tr("Workspace:"),
           created.apiKey.workspace ? created.apiKey.workspace->name : tr("All workspaces (not restricted)"));

    m_valueEdit = new QLineEdit(m_secret, this);
    m_valueEdit->setObjectName(QStringLiteral("valueEdit"));
    m_valueEdit->setAccessibleName(tr("Key value"));
    m_valueEdit->setAccessibleDescription(tr("The new key's value, hidden unless Show value is ticked."));
    m_valueEdit->setReadOnly(true);
    m_valueEdit->setEchoMode(QLineEdit::Password);
    m_valueEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_valueEdit->setMinimumWidth(m_valueEdit->fontMetrics().horizontalAdvance(QString(m_secret.size() + 2, u'M')));
    // Shown, the value could leave by the field's own copy paths, past SecretClipboard: Ctrl+C is
    // Copy's instead, and there is nothing to select, drag or copy from a menu.
    guardSecretField(m_valueEdit, [this] { copyValue(); });
    m_showCheck = new QCheckBox(tr("&Show value"), this);
    m_showCheck->setObjectName(QStringLiteral("showValueCheck"));
    m_showCheck->setAccessibleName(tr("Show value"));
    m_copyButton = new QPushButton(tr("&Copy"), this);
    m_copyButton->setObjectName(QStringLiteral("copyButton"));
    m_copyButton->setAccessibleName(tr("Copy"));
    m_copyButton->setAccessibleDescription(tr("Copies the value to the clipboard, which is cleared again after a "
                                              "while."));
    auto *valueRow = new QHBoxLayout;
    valueRow->addWidget(m_valueEdit, 1);
    valueRow->addWidget(m_showCheck);
    valueRow->addWidget(m_copyButton);
    form->addRow(tr("&Value:"), valueRow);
    if (auto *valueLabel = qobject_cast<QLabel *>(form->labelForField(valueRow)))
        valueLabel->setBuddy(m_valueEdit);
    layout->addLayout(form);

    m_countdownLabel = new QLabel(this);
    m_countdownLabel->setObjectName(QStringLiteral("countdownLabel"));
    setAccessibleField(m_countdownLabel, tr("Clipboard status"));
    m_countdownLabel->setWordWrap(true);
    layout->addWidget(m_countdownLabel);

    m_storedCheck = new QCheckBox(tr("I have stored this &key"), this);
    m_storedCheck->setObjectName(QStringLiteral("storedCheck"));
    m_storedCheck->setAccessibleName(tr("I have stored this key"));
    layout->addWidget(m_storedCheck);

    auto *buttons = new QDialogButtonBox(this);
    m_closeButton = buttons->addButton(QDialogButtonBox::Close);
    m_closeButton->setObjectName(QStringLiteral("closeButton"));
    m_closeButton->setAccessibleName(tr("Close"));
    layout->addWidget(buttons);

    connect(m_showCheck, &QCheckBox::toggled, this, [this](bool shown) { showSecretField(m_valueEdit, shown); });
    connect(m_copyButton, &QPushButton::clicked, this, &KeyRevealDialog::copyValue);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_clipboard, &SecretClipboard::countdown, this, [this](int seconds) {
        m_countdownLabel->setText(seconds == 1 ? tr("Copied. The clipboard will be cleared in 1 second.")
                                               : tr("Copied. The clipboard will be cleared in %1 seconds.").arg(seconds));
    });
    connect(m_clipboard, &SecretClipboard::finished, this, [this](bool wasOurs) {
        m_countdownLabel->setText(wasOurs ? tr("The clipboard was cleared.")
                                          : tr("The clipboard holds something else now: it was left alone."));
    });
    m_copyButton->setFocus();
    m_copyButton->setDefault(true);
}

KeyRevealDialog::~KeyRevealDialog()
{
    wipe();
}

bool KeyRevealDialog::isMasked() const
{
    return m_valueEdit->echoMode() != QLineEdit::Normal;
}

void KeyRevealDialog::copyValue()
{
    if (m_secret.isEmpty())
        return;
    m_clipboard->copy(m_secret, m_timeoutMs);
    m_copied = true;
}

void KeyRevealDialog::done(int result)
{
    if (holdsValue() && !m_copied && !m_storedCheck->isChecked()) {
        const bool close = Confirmation::ask(
            this, {tr("Close without copying?"),
                   tr("The value of “%1” has not been copied. Once this window closes it cannot be shown "
                      "again: the key would have to be replaced by a new one.")
                       .arg(findChild<QLabel *>(QStringLiteral("revealName"))->text()),
                   tr("Close and lose the value"), true});
        if (!close)
            return;
    }
    wipe();
    QDialog::done(result);
}

void KeyRevealDialog::wipe()
{
    // Overwrite in place before letting go, so the value does not linger in freed memory.
    if (!m_secret.isEmpty()) {
        const qsizetype n = m_secret.size();
        m_valueEdit->setText(QString(n, u'*'));
        m_valueEdit->clear();
        std::fill(m_secret.begin(), m_secret.end(), QChar(u'\0'));
        m_secret.clear();
    }
}

} // namespace datarecs
