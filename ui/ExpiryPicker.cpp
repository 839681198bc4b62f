#include "ExpiryPicker.h"

#include "AccessibleField.h"
#include "TimeText.h"

#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace datarecs {

ExpiryPicker::ExpiryPicker(QWidget *parent)
    : QWidget(parent)
    , m_combo(new QComboBox(this))
    , m_dateEdit(new QDateEdit(this))
    , m_error(new QLabel(this))
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    setObjectName(QStringLiteral("expiryPicker"));
    m_combo->setObjectName(QStringLiteral("expiryCombo"));
    m_combo->setAccessibleName(tr("Expires"));
    m_combo->setAccessibleDescription(tr("When the key stops working by itself: never, after 30, 90 or 365 days, "
                                         "or at the end of a date you choose."));
    m_combo->addItems({tr("Never"), tr("In 30 days"), tr("In 90 days"), tr("In 365 days"), tr("On a date…")});
    m_dateEdit->setObjectName(QStringLiteral("expiryDateEdit"));
    m_dateEdit->setAccessibleName(tr("Expiry date"));
    m_dateEdit->setAccessibleDescription(tr("The key works until the end of this day (local time). It must be a "
                                            "date after today."));
    m_dateEdit->setCalendarPopup(true);
    m_dateEdit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_dateEdit->setDate(QDate::currentDate().addDays(90));
    m_dateEdit->setVisible(false);
    m_error->setObjectName(QStringLiteral("expiryError"));
    setAccessibleField(m_error, tr("Expiry problem"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setVisible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *row = new QHBoxLayout;
    row->addWidget(m_combo);
    row->addWidget(m_dateEdit);
    row->addStretch(1);
    layout->addLayout(row);
    layout->addWidget(m_error);
    setFocusProxy(m_combo);

    connect(m_combo, &QComboBox::currentIndexChanged, this, &ExpiryPicker::update);
    connect(m_dateEdit, &QDateEdit::dateChanged, this, &ExpiryPicker::update);
    update();
}

ExpiryPicker::Choice ExpiryPicker::choice() const
{
    return static_cast<Choice>(m_combo->currentIndex());
}

void ExpiryPicker::setChoice(Choice choice)
{
    m_combo->setCurrentIndex(int(choice));
}

void ExpiryPicker::setCustomDate(const QDate &date)
{
    m_dateEdit->setDate(date);
}

void ExpiryPicker::setClock(std::function<QDateTime()> clock)
{
    m_clock = std::move(clock);
    update();
}

void ExpiryPicker::update()
{
    const Choice c = choice();
    const int days = c == Days30 ? 30 : c == Days90 ? 90 : c == Days365 ? 365 : 0;
    // Whole minutes: the review shows a moment a person can read, and a repeat sends the same one.
    QDateTime now = m_clock();
    now.setTime(QTime(now.time().hour(), now.time().minute()));
    m_fixed = days > 0 ? now.addDays(days) : QDateTime();
    m_dateEdit->setVisible(c == CustomDate);
    const QString text = problem();
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
    Q_EMIT changed();
}

std::optional<QDateTime> ExpiryPicker::expiresAt() const
{
    switch (choice()) {
    case Never:
        return std::nullopt;
    case CustomDate: {
        if (!problem().isEmpty())
            return std::nullopt;
        // The key works through the whole chosen day, in the user's own time zone.
        return QDateTime(m_dateEdit->date(), QTime(23, 59, 59)).toUTC();
    }
    default:
        return m_fixed;
    }
}

QString ExpiryPicker::problem() const
{
    if (choice() != CustomDate)
        return {};
    const QDate today = m_clock().toLocalTime().date();
    if (m_dateEdit->date() <= today)
        return tr("The expiry date must be in the future: choose a date after today (%1).")
            .arg(today.toString(Qt::ISODate));
    return {};
}

QString ExpiryPicker::summary() const
{
    const std::optional<QDateTime> at = expiresAt();
    if (!at)
        return choice() == Never ? tr("Never") : problem();
    return tr("%1 (%2)").arg(TimeText::exact(*at), TimeText::relative(*at, m_clock()));
}

} // namespace datarecs
