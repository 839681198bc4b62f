#pragma once

#include "Queries.h"

#include <QDateTime>
#include <QWidget>

class QComboBox;
class QDateTimeEdit;
class QHBoxLayout;
class QLineEdit;
class QToolButton;

namespace datarecs {

/// What the audit log viewer shows: the server-side filters, as the user chose them. Times of a preset
/// ("last 24 hours") are relative: toQuery() resolves them against a given now.
struct AuditFilter
{
    enum class Range { All, LastHour, Last24Hours, Last7Days, Last30Days, Custom };

    Range range = Range::All;
    QDateTime from; ///< Custom only; invalid: open
    QDateTime to;   ///< Custom only; invalid: open
    QString apiKeyId;
    QString actorId;
    QString action;
    QString outcome; ///< success, refused, error or empty

    AuditQuery toQuery(const QDateTime &now) const;
    bool isEmpty() const { return *this == AuditFilter(); }

    /// URL-style state, e.g. "range=24h&outcome=refused&api_key_id=key_1": kept when the page is left
    /// and in the settings. Ids and names of things only: never a secret.
    QString toQueryString() const;
    static AuditFilter fromQueryString(const QString &text);

    static QString rangeKey(Range range);
    static QString rangeText(Range range);

    friend bool operator==(const AuditFilter &, const AuditFilter &) = default;
};

/// The audit log viewer's filters: time range (presets or from/to), API key, actor, action and
/// outcome, and below them one removable chip per filter in use. Every change emits filterChanged()
/// once; setFilter() does not.
class AuditFilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit AuditFilterBar(QWidget *parent = nullptr);

    AuditFilter filter() const { return m_filter; }
    void setFilter(const AuditFilter &filter);
    /// The keys the picker offers, as (id, name). The current key stays selectable even when absent.
    void setApiKeys(const QList<std::pair<QString, QString>> &keys);
    /// A key's name for the chip, if the picker knows it.
    QString apiKeyName(const QString &id) const;

Q_SIGNALS:
    void filterChanged(const datarecs::AuditFilter &filter);

private:
    void showFilter();
    void fillApiKeys();
    void showApiKeyFilter();
    /// What the key picker shows for the applied filter: anything else there is being typed.
    QString shownApiKeyText() const;
    void apply(const AuditFilter &filter);
    void rebuildChips();
    QToolButton *chip(const QString &objectName, std::function<void(AuditFilter &)> clear);
    void showChip(QToolButton *chip, const QString &text);
    AuditFilter fromControls() const;

    AuditFilter m_filter;
    QList<std::pair<QString, QString>> m_keys;
    bool m_updating = false;
    QComboBox *m_range;
    QDateTimeEdit *m_from;
    QDateTimeEdit *m_to;
    QComboBox *m_apiKey;
    QLineEdit *m_actor;
    QComboBox *m_action;
    QComboBox *m_outcome;
    QToolButton *m_clearAll;
    QToolButton *m_rangeChip;
    QToolButton *m_keyChip;
    QToolButton *m_actorChip;
    QToolButton *m_actionChip;
    QToolButton *m_outcomeChip;
    QWidget *m_chips;
    QHBoxLayout *m_chipsLayout;
};

} // namespace datarecs
