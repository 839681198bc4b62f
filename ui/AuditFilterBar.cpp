#include "AuditFilterBar.h"

#include "ClearButton.h"
#include "TimeText.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
#include <QUrlQuery>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace datarecs {

namespace {
constexpr AuditFilter::Range kRanges[] = {AuditFilter::Range::All,         AuditFilter::Range::LastHour,
                                          AuditFilter::Range::Last24Hours, AuditFilter::Range::Last7Days,
                                          AuditFilter::Range::Last30Days,  AuditFilter::Range::Custom};
} // namespace

AuditQuery AuditFilter::toQuery(const QDateTime &now) const
{
    AuditQuery q;
    q.apiKeyId = apiKeyId;
    q.actorId = actorId;
    q.action = action;
    q.outcome = outcome;
    switch (range) {
    case Range::All: break;
    case Range::LastHour: q.since = now.addSecs(-3600); break;
    case Range::Last24Hours: q.since = now.addDays(-1); break;
    case Range::Last7Days: q.since = now.addDays(-7); break;
    case Range::Last30Days: q.since = now.addDays(-30); break;
    case Range::Custom:
        if (from.isValid())
            q.since = from;
        if (to.isValid())
            q.until = to;
        break;
    }
    return q;
}

QString AuditFilter::rangeKey(Range range)
{
    switch (range) {
    case Range::All: return QString();
    case Range::LastHour: return u"1h"_s;
    case Range::Last24Hours: return u"24h"_s;
    case Range::Last7Days: return u"7d"_s;
    case Range::Last30Days: return u"30d"_s;
    case Range::Custom: return u"custom"_s;
    }
    return QString();
}

QString AuditFilter::rangeText(Range range)
{
    switch (range) {
    case Range::All: return AuditFilterBar::tr("All time");
    case Range::LastHour: return AuditFilterBar::tr("Last hour");
    case Range::Last24Hours: return AuditFilterBar::tr("Last 24 hours");
    case Range::Last7Days: return AuditFilterBar::tr("Last 7 days");
    case Range::Last30Days: return AuditFilterBar::tr("Last 30 days");
    case Range::Custom: return AuditFilterBar::tr("Custom range");
    }
    return QString();
}

QString AuditFilter::toQueryString() const
{
    QUrlQuery q;
    if (range != Range::All)
        q.addQueryItem(u"range"_s, rangeKey(range));
    if (range == Range::Custom && from.isValid())
        q.addQueryItem(u"since"_s, from.toUTC().toString(Qt::ISODate));
    if (range == Range::Custom && to.isValid())
        q.addQueryItem(u"until"_s, to.toUTC().toString(Qt::ISODate));
    const std::pair<QString, QString> fields[] = {
        {u"api_key_id"_s, apiKeyId}, {u"actor_id"_s, actorId}, {u"action"_s, action}, {u"outcome"_s, outcome}};
    for (const auto &[key, value] : fields) {
        if (!value.isEmpty())
            q.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    }
    return q.toString(QUrl::FullyEncoded);
}

AuditFilter AuditFilter::fromQueryString(const QString &text)
{
    const QUrlQuery q(text);
    AuditFilter f;
    const QString range = q.queryItemValue(u"range"_s);
    for (Range r : kRanges) {
        if (rangeKey(r) == range)
            f.range = r;
    }
    if (f.range == Range::Custom) {
        f.from = QDateTime::fromString(q.queryItemValue(u"since"_s), Qt::ISODate);
        f.to = QDateTime::fromString(q.queryItemValue(u"until"_s), Qt::ISODate);
    }
    f.apiKeyId = q.queryItemValue(u"api_key_id"_s, QUrl::FullyDecoded);
    f.actorId = q.queryItemValue(u"actor_id"_s, QUrl::FullyDecoded);
    f.action = q.queryItemValue(u"action"_s, QUrl::FullyDecoded);
    const QString outcome = q.queryItemValue(u"outcome"_s);
    if (outcome == u"success" || outcome == u"refused" || outcome == u"error")
        f.outcome = outcome;
    return f;
}

AuditFilterBar::AuditFilterBar(QWidget *parent)
    : QWidget(parent)
    , m_range(new QComboBox)
    , m_from(new QDateTimeEdit)
    , m_to(new QDateTimeEdit)
    , m_apiKey(new QComboBox)
    , m_actor(new QLineEdit)
    , m_action(new QComboBox)
    , m_outcome(new QComboBox)
    , m_clearAll(new QToolButton)
    , m_chips(new QWidget)
    , m_chipsLayout(new QHBoxLayout(m_chips))
{
    setObjectName(u"auditFilterBar"_s);
    setAccessibleName(tr("Audit log filters"));

    auto named = [](QWidget *w, const QString &objectName, const QString &accessible) {
        w->setObjectName(objectName);
        w->setAccessibleName(accessible);
    };
    named(m_range, u"rangeCombo"_s, tr("Time range"));
    for (AuditFilter::Range r : kRanges)
        m_range->addItem(AuditFilter::rangeText(r), int(r));
    named(m_from, u"fromEdit"_s, tr("From"));
    named(m_to, u"toEdit"_s, tr("To"));
    for (QDateTimeEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
        edit->setTimeSpec(Qt::LocalTime);
    }
    named(m_apiKey, u"apiKeyCombo"_s, tr("API key"));
    m_apiKey->setEditable(true); // a key id can be typed or pasted, even of a deleted key
    m_apiKey->setInsertPolicy(QComboBox::NoInsert);
    m_apiKey->setMinimumContentsLength(18);
    m_apiKey->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_apiKey->lineEdit()->setPlaceholderText(tr("Any key"));
    m_apiKey->lineEdit()->setObjectName(u"apiKeyEdit"_s);
    m_apiKey->lineEdit()->setAccessibleName(tr("API key name or id"));
    named(m_actor, u"actorEdit"_s, tr("Actor id"));
    m_actor->setPlaceholderText(tr("Any actor (user or key id)"));
    enableClearButton(m_actor, tr("Clear the actor"));
    named(m_action, u"actionCombo"_s, tr("Action"));
    m_action->setEditable(true);
    m_action->setInsertPolicy(QComboBox::NoInsert);
    m_action->addItems({QString(), u"api_key.create"_s, u"api_key.update"_s, u"api_key.enable"_s,
                        u"api_key.disable"_s, u"api_key.rotate"_s, u"api_key.delete"_s, u"api_key.request"_s,
                        u"auth.login"_s, u"auth.logout"_s});
    m_action->lineEdit()->setPlaceholderText(tr("Any action"));
    m_action->lineEdit()->setObjectName(u"actionEdit"_s);
    m_action->lineEdit()->setAccessibleName(tr("Action"));
    named(m_outcome, u"outcomeCombo"_s, tr("Outcome"));
    m_outcome->addItem(tr("Any outcome"), QString());
    m_outcome->addItem(tr("Success"), u"success"_s);
    m_outcome->addItem(tr("Refused"), u"refused"_s);
    m_outcome->addItem(tr("Error"), u"error"_s);
    named(m_clearAll, u"clearFiltersButton"_s, tr("Clear all filters"));
    m_clearAll->setText(tr("Clear all"));
    m_clearAll->setFocusPolicy(Qt::StrongFocus);
    named(m_chips, u"filterChips"_s, tr("Filters in use"));

    // Two rows: when, and who/what. One row would squeeze the text fields in a normal window.
    auto *when = new QHBoxLayout;
    auto *what = new QHBoxLayout;
    auto labelled = [](QHBoxLayout *row, const QString &text, QWidget *buddy) {
        auto *label = new QLabel(text);
        label->setBuddy(buddy);
        row->addWidget(label);
        row->addWidget(buddy);
    };
    labelled(when, tr("&Time:"), m_range);
    labelled(when, tr("Fro&m:"), m_from);
    labelled(when, tr("T&o:"), m_to);
    labelled(when, tr("O&utcome:"), m_outcome);
    when->addStretch(1);
    labelled(what, tr("Ke&y:"), m_apiKey);
    labelled(what, tr("&Actor:"), m_actor);
    labelled(what, tr("Act&ion:"), m_action);
    what->addStretch(1);
    const int em = fontMetrics().horizontalAdvance(u'M');
    m_actor->setMinimumWidth(16 * em);
    m_action->setMinimumWidth(12 * em);
    m_chipsLayout->setContentsMargins(0, 0, 0, 0);
    m_rangeChip = chip(u"chipRange"_s, [](AuditFilter &x) { x.range = {}; });
    m_keyChip = chip(u"chipApiKey"_s, [](AuditFilter &x) { x.apiKeyId.clear(); });
    m_actorChip = chip(u"chipActor"_s, [](AuditFilter &x) { x.actorId.clear(); });
    m_actionChip = chip(u"chipAction"_s, [](AuditFilter &x) { x.action.clear(); });
    m_outcomeChip = chip(u"chipOutcome"_s, [](AuditFilter &x) { x.outcome.clear(); });
    m_chipsLayout->addWidget(m_clearAll);
    m_chipsLayout->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(when);
    layout->addLayout(what);
    layout->addWidget(m_chips);

    auto changed = [this] {
        if (!m_updating)
            apply(fromControls());
    };
    connect(m_range, &QComboBox::currentIndexChanged, this, [this, changed] {
        // Custom starts from what the preset meant, so the user adjusts rather than types.
        const auto r = AuditFilter::Range(m_range->currentData().toInt());
        if (!m_updating && r == AuditFilter::Range::Custom && m_filter.range != r) {
            const QDateTime now = QDateTime::currentDateTime();
            const AuditQuery q = m_filter.toQuery(now);
            m_updating = true;
            m_from->setDateTime(q.since ? q.since->toLocalTime() : now.addDays(-1));
            m_to->setDateTime(now);
            m_updating = false;
        }
        changed();
    });
    connect(m_from, &QDateTimeEdit::editingFinished, this, changed);
    connect(m_to, &QDateTimeEdit::editingFinished, this, changed);
    connect(m_apiKey, &QComboBox::activated, this, changed);
    connect(m_apiKey->lineEdit(), &QLineEdit::editingFinished, this, changed);
    connect(m_actor, &QLineEdit::editingFinished, this, changed);
    connect(m_action, &QComboBox::activated, this, changed);
    connect(m_action->lineEdit(), &QLineEdit::editingFinished, this, changed);
    connect(m_outcome, &QComboBox::currentIndexChanged, this, changed);
    connect(m_clearAll, &QToolButton::clicked, this, [this] { apply(AuditFilter()); });
    fillApiKeys();
    showFilter();
}

AuditFilter AuditFilterBar::fromControls() const
{
    AuditFilter f;
    f.range = AuditFilter::Range(m_range->currentData().toInt());
    if (f.range == AuditFilter::Range::Custom) {
        f.from = m_from->dateTime().toUTC();
        f.to = m_to->dateTime().toUTC();
    }
    // The picker shows names; what is typed may be a name or an id.
    const QString keyText = m_apiKey->currentText().trimmed();
    const int keyIndex = m_apiKey->findText(keyText);
    f.apiKeyId = keyIndex > 0 ? m_apiKey->itemData(keyIndex).toString() : keyText;
    f.actorId = m_actor->text().trimmed();
    f.action = m_action->currentText().trimmed();
    f.outcome = m_outcome->currentData().toString();
    return f;
}

void AuditFilterBar::apply(const AuditFilter &filter)
{
    if (filter == m_filter) {
        showFilter(); // e.g. a typed key name resolved to its id
        return;
    }
    m_filter = filter;
    showFilter();
    Q_EMIT filterChanged(m_filter);
}

void AuditFilterBar::setFilter(const AuditFilter &filter)
{
    m_filter = filter;
    showFilter();
}

void AuditFilterBar::setApiKeys(const QList<std::pair<QString, QString>> &keys)
{
    // Only the picker's items change. The names arrive when they are loaded, often while the user
    // types in the bar: whatever is typed and not yet applied, here or in the other fields, stays.
    const bool edited = m_apiKey->currentText() != shownApiKeyText();
    const QString typed = m_apiKey->currentText();
    const int cursor = m_apiKey->lineEdit()->cursorPosition();
    m_keys = keys;
    m_updating = true;
    fillApiKeys();
    if (edited) {
        m_apiKey->setEditText(typed);
        m_apiKey->lineEdit()->setCursorPosition(cursor);
    } else {
        showApiKeyFilter(); // the applied key, now by its name
    }
    m_updating = false;
    rebuildChips();
}

void AuditFilterBar::fillApiKeys()
{
    m_apiKey->clear();
    m_apiKey->addItem(QString(), QString());
    for (const auto &[id, name] : m_keys) {
        m_apiKey->addItem(tr("%1 (%2)").arg(name, id), id);
        m_apiKey->setItemData(m_apiKey->count() - 1, id, Qt::ToolTipRole);
    }
}

QString AuditFilterBar::shownApiKeyText() const
{
    const int keyIndex = m_filter.apiKeyId.isEmpty() ? 0 : m_apiKey->findData(m_filter.apiKeyId);
    return keyIndex >= 0 ? m_apiKey->itemText(keyIndex) : m_filter.apiKeyId;
}

void AuditFilterBar::showApiKeyFilter()
{
    const int keyIndex = m_filter.apiKeyId.isEmpty() ? 0 : m_apiKey->findData(m_filter.apiKeyId);
    if (keyIndex >= 0) {
        m_apiKey->setCurrentIndex(keyIndex);
    } else {
        m_apiKey->setCurrentIndex(0);
        m_apiKey->setEditText(m_filter.apiKeyId);
    }
}

QString AuditFilterBar::apiKeyName(const QString &id) const
{
    for (const auto &[keyId, name] : m_keys) {
        if (keyId == id)
            return name;
    }
    return QString();
}

void AuditFilterBar::showFilter()
{
    m_updating = true;
    m_range->setCurrentIndex(m_range->findData(int(m_filter.range)));
    const bool custom = m_filter.range == AuditFilter::Range::Custom;
    m_from->setVisible(custom);
    m_to->setVisible(custom);
    for (QLabel *label : findChildren<QLabel *>()) {
        if (label->buddy() == m_from || label->buddy() == m_to)
            label->setVisible(custom);
    }
    if (custom) {
        if (m_filter.from.isValid())
            m_from->setDateTime(m_filter.from.toLocalTime());
        if (m_filter.to.isValid())
            m_to->setDateTime(m_filter.to.toLocalTime());
    }

    showApiKeyFilter();
    m_actor->setText(m_filter.actorId);
    m_action->setCurrentIndex(0);
    m_action->setEditText(m_filter.action);
    m_outcome->setCurrentIndex(qMax(0, m_outcome->findData(m_filter.outcome)));
    m_updating = false;
    rebuildChips();
}

QToolButton *AuditFilterBar::chip(const QString &objectName, std::function<void(AuditFilter &)> clear)
{
    auto *chip = new QToolButton;
    chip->setObjectName(objectName);
    chip->setToolTip(tr("Remove this filter"));
    chip->setFocusPolicy(Qt::StrongFocus);
    chip->hide();
    connect(chip, &QToolButton::clicked, this, [this, clear] {
        AuditFilter f = m_filter;
        clear(f);
        apply(f);
    });
    m_chipsLayout->addWidget(chip);
    return chip;
}

void AuditFilterBar::showChip(QToolButton *chip, const QString &text)
{
    // "&" doubled: a key named "R&D" must read so, not underline the D and answer to Alt+D.
    chip->setText(text.isEmpty() ? QString() : QString(text).replace(u'&', u"&&"_s) + u"  ✕"_s);
    chip->setAccessibleName(text.isEmpty() ? tr("Removed filter") : tr("Remove filter %1").arg(text));
    if (text.isEmpty() && chip->hasFocus())
        focusNextChild(); // a keyboard user removing chips one by one keeps their place
    chip->setVisible(!text.isEmpty());
}

void AuditFilterBar::rebuildChips()
{
    const AuditFilter &f = m_filter;
    QString range;
    if (f.range == AuditFilter::Range::Custom) {
        const QString from = f.from.isValid() ? TimeText::exact(f.from) : tr("the start");
        const QString to = f.to.isValid() ? TimeText::exact(f.to) : tr("now");
        range = tr("Time: %1 – %2").arg(from, to);
    } else if (f.range != AuditFilter::Range::All) {
        range = tr("Time: %1").arg(AuditFilter::rangeText(f.range));
    }
    showChip(m_rangeChip, range);
    QString key;
    if (!f.apiKeyId.isEmpty()) {
        const QString name = apiKeyName(f.apiKeyId);
        key = tr("Key: %1").arg(name.isEmpty() ? f.apiKeyId : name);
    }
    showChip(m_keyChip, key);
    showChip(m_actorChip, f.actorId.isEmpty() ? QString() : tr("Actor: %1").arg(f.actorId));
    showChip(m_actionChip, f.action.isEmpty() ? QString() : tr("Action: %1").arg(f.action));
    showChip(m_outcomeChip, f.outcome.isEmpty() ? QString() : tr("Outcome: %1").arg(m_outcome->currentText()));
    const bool any = !f.isEmpty();
    m_clearAll->setVisible(any);
    m_chips->setVisible(any);
}

} // namespace datarecs
