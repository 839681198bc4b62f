#pragma once

#include "AuditEvent.h"

#include <QWidget>

#include <optional>

class QFormLayout;
class QLabel;
class QPushButton;

namespace datarecs {

class WrappedText;

/// Every field of one audit event as selectable text, including its request id and its link in the
/// hash chain (previous hash → hash), with actions: filter by this key, filter by this actor, copy as
/// JSON.
class AuditEventDetails : public QWidget
{
    Q_OBJECT
public:
    explicit AuditEventDetails(QWidget *parent = nullptr);

    void setEvent(const std::optional<AuditEvent> &event);
    std::optional<AuditEvent> shownEvent() const { return m_event; }
    /// The key the event is about: its actor if a key acted, else its target if that is a key.
    static QString apiKeyOf(const AuditEvent &event);
    /// The text "Copy as JSON" puts on the clipboard: the record as the API returns it.
    static QString json(const AuditEvent &event);

Q_SIGNALS:
    void filterByKeyRequested(const QString &apiKeyId);
    void filterByActorRequested(const QString &actorId);
    /// After a copy, for the window's status line.
    void copied(const QString &what);

private:
    QLabel *addField(const QString &objectName, const QString &label);
    WrappedText *addTextField(const QString &objectName, const QString &label);
    WrappedText *addHashField(const QString &objectName, const QString &label);

    std::optional<AuditEvent> m_event;
    QLabel *m_title;
    QLabel *m_empty;
    QWidget *m_fields;
    QFormLayout *m_form;
    QLabel *m_id, *m_time, *m_action, *m_workspace, *m_outcome, *m_status, *m_method, *m_source, *m_requestId;
    // Text a caller or a key's creator chose, of any length: it wraps even inside a long word.
    WrappedText *m_actor, *m_target, *m_path, *m_userAgent, *m_detail;
    WrappedText *m_prevHash, *m_hash;
    QPushButton *m_filterKey;
    QPushButton *m_filterActor;
    QPushButton *m_copyJson;
};

} // namespace datarecs
