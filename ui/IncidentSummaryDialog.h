#pragma once

#include "ApiKey.h"

#include <QDateTime>
#include <QDialog>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace datarecs {

/// What was done about a compromised key, step by step with times (UTC) and the server's request
/// ids, as plain text with a Copy button for an incident report; and the way on to a replacement.
/// Holds no secret: key ids and names only.
class IncidentSummaryDialog : public QDialog
{
    Q_OBJECT
public:
    /// reportedBy: who is signed in, e.g. "Olivia Owner <owner@acme.test>".
    /// roleTitle is the role as people read it ("Workspace viewer"); empty shows the role's name alone.
    IncidentSummaryDialog(const ApiKey &key, const QString &roleTitle, const QString &reportedBy,
                          QWidget *parent = nullptr);

    /// Records a step, stamped with the current time.
    void addStep(const QString &text, const QString &requestId = {});
    /// Whether "Create replacement…" can be pressed, and why not.
    void setReplacementAvailable(bool available, const QString &reason = {});
    /// The whole report, as copied.
    QString summaryText() const;
    QStringList steps() const { return m_steps; }
    /// Tests fix the clock.
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

Q_SIGNALS:
    void replacementRequested();
    void copied();

private:
    void render();

    ApiKey m_key;
    QString m_roleTitle;
    QString m_reportedBy;
    QStringList m_steps;
    std::function<QDateTime()> m_clock;
    QPlainTextEdit *m_text;
    QPushButton *m_copyButton;
    QPushButton *m_replaceButton;
    QPushButton *m_closeButton;
    QLabel *m_copiedLabel;
};

} // namespace datarecs
