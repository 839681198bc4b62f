#pragma once

#include <QDateTime>
#include <QWidget>

#include <functional>
#include <optional>

class QComboBox;
class QDateEdit;
class QLabel;

namespace datarecs {

/// "Expires": never, in 30 / 90 / 365 days, or on a chosen date. The moment is fixed when the
/// choice is made, not when it is read, so that a create repeated after a lost answer sends the
/// very same expires_at (the server compares the body of an Idempotency-Key replay).
class ExpiryPicker : public QWidget
{
    Q_OBJECT
public:
    enum Choice { Never, Days30, Days90, Days365, CustomDate };

    explicit ExpiryPicker(QWidget *parent = nullptr);

    Choice choice() const;
    void setChoice(Choice choice);
    /// The date a custom expiry ends on (local time, end of that day).
    void setCustomDate(const QDate &date);
    /// What to send as expires_at; nullopt for "never" (or an invalid choice).
    std::optional<QDateTime> expiresAt() const;
    /// Why the choice cannot be sent; empty when it can.
    QString problem() const;
    /// "Never" or "2027-02-25 23:59:59 CET (in 3 months)", for a review page.
    QString summary() const;
    /// Tests fix the clock.
    void setClock(std::function<QDateTime()> clock);

Q_SIGNALS:
    void changed();

private:
    void update();

    QComboBox *m_combo;
    QDateEdit *m_dateEdit;
    QLabel *m_error;
    QDateTime m_fixed; ///< the preset's moment, fixed when it was chosen
    std::function<QDateTime()> m_clock;
};

} // namespace datarecs
