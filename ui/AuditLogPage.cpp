#include "AuditLogPage.h"

#include "AccessibleField.h"
#include "AuditEventDetails.h"
#include "AuditExportToFile.h"
#include "AuditLogModel.h"
#include "ClearButton.h"
#include "ConsoleSettings.h"
#include "Session.h"

#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace datarecs {

namespace {
const QString kFilterSetting = u"audit/filter"_s;
const QString kHeaderSetting = u"audit/header"_s;
const QString kReadAudit = u"read_audit"_s;

template <typename W> W *named(W *w, const QString &objectName, const QString &accessibleName)
{
    w->setObjectName(objectName);
    if constexpr (std::is_base_of_v<QLabel, W>)
        setAccessibleField(w, accessibleName); // read with its text: "Export result: 1,204 events written"
    else
        w->setAccessibleName(accessibleName);
    return w;
}
} // namespace

AuditLogPage::AuditLogPage(Session *session, ConsoleSettings *settings, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_settings(settings)
    , m_model(new AuditLogModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filterBar(new AuditFilterBar)
    , m_table(named(new QTableView, u"auditTable"_s, tr("Audit events")))
    , m_details(new AuditEventDetails)
    , m_banner(named(new QLabel, u"auditMessage"_s, tr("Message")))
    , m_retry(named(new QPushButton(tr("Try agai&n")), u"auditRetryButton"_s, tr("Try again")))
    , m_signIn(named(new QPushButton(tr("&Sign in…")), u"auditSignInButton"_s, tr("Sign in")))
    , m_bannerBox(named(new QFrame, u"auditBanner"_s, tr("Message banner")))
    , m_permissionNotice(named(new QLabel, u"auditPermissionNotice"_s, tr("Permission notice")))
    , m_follow(named(new QCheckBox(tr("Fo&llow new events")), u"followCheck"_s, tr("Follow new events")))
    , m_followState(named(new QLabel, u"followState"_s, tr("Follow state")))
    , m_find(named(new QLineEdit, u"findLoadedEdit"_s, tr("Find in loaded rows")))
    , m_count(named(new QLabel, u"auditCountLabel"_s, tr("Loaded events")))
    , m_loadOlder(named(new QPushButton(tr("Load ol&der")), u"loadOlderButton"_s, tr("Load older events")))
    , m_exportButton(named(new QPushButton(tr("&Export…")), u"exportButton"_s, tr("Export")))
    , m_verifyButton(named(new QPushButton(tr("&Verify integrity")), u"verifyButton"_s, tr("Verify integrity")))
    , m_refreshButton(named(new QPushButton(tr("&Refresh")), u"auditRefreshButton"_s, tr("Refresh")))
    , m_exportBox(named(new QWidget, u"exportBox"_s, tr("Export in progress")))
    , m_exportProgress(named(new QProgressBar, u"exportProgress"_s, tr("Export progress")))
    , m_exportText(named(new QLabel, u"exportProgressText"_s, tr("Export progress")))
    , m_cancelExport(named(new QPushButton(tr("Cancel e&xport")), u"cancelExportButton"_s, tr("Cancel export")))
    , m_exportResult(named(new QLabel, u"exportResult"_s, tr("Export result")))
    , m_verifyResult(named(new QLabel, u"verifyResult"_s, tr("Integrity check result")))
{
    setObjectName(u"auditLogPage"_s);
    setAccessibleName(tr("Audit log"));
    // Server messages and file names as they are, never read as HTML.
    for (QLabel *label : {m_banner, m_permissionNotice, m_followState, m_count, m_exportText, m_exportResult, m_verifyResult})
        label->setTextFormat(Qt::PlainText);
    m_proxy->setObjectName(u"auditProxy"_s);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);

    auto *title = named(new QLabel(tr("Audit log")), u"auditPageTitle"_s, tr("Audit log"));
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    titleFont.setBold(true);
    title->setFont(titleFont);
    m_refreshButton->setToolTip(tr("Load the newest events again with the same filters"));
    m_exportButton->setToolTip(tr("Save every event matching the filters to a CSV or NDJSON file"));
    m_verifyButton->setToolTip(tr("Ask the server to check the hash chain of the whole audit log"));
    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addStretch(1);
    header->addWidget(m_refreshButton);
    header->addWidget(m_exportButton);
    header->addWidget(m_verifyButton);

    auto *bannerFrame = static_cast<QFrame *>(m_bannerBox);
    bannerFrame->setFrameShape(QFrame::StyledPanel);
    auto *bannerLayout = new QHBoxLayout(m_bannerBox);
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bannerLayout->addWidget(m_banner, 1);
    bannerLayout->addWidget(m_retry);
    bannerLayout->addWidget(m_signIn);
    m_bannerBox->hide();
    m_permissionNotice->setWordWrap(true);
    m_permissionNotice->hide();

    m_find->setPlaceholderText(tr("Find in loaded rows (searched here, not on the server)"));
    m_find->setToolTip(tr("The server has no free-text search: this looks only through the events loaded so far."));
    enableClearButton(m_find, tr("Clear the find text"));
    auto *find = new QAction(tr("Find in loaded rows"), this);
    find->setObjectName(u"actionFindLoaded"_s);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, this, [this] { m_find->setFocus(Qt::ShortcutFocusReason); });
    addAction(find);
    m_follow->setToolTip(tr("Show new events at the top as they happen"));
    auto *tools = new QHBoxLayout;
    tools->addWidget(m_follow);
    tools->addWidget(m_followState, 1);
    tools->addWidget(m_find, 1);

    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setVisible(false);
    named(m_table->verticalHeader(), u"auditRowHeader"_s, tr("Rows"));
    named(m_table->horizontalHeader(), u"auditColumnHeader"_s, tr("Columns"));
    // Uniform rows: the view never measures rows, which matters with 100,000s of them.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionsMovable(true);
    const int em = fontMetrics().horizontalAdvance(u'M');
    const int widths[] = {17, 16, 10, 12, 6, 7, 20, 10};
    for (int c = 0; c < AuditLogModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, widths[c] * em);
    m_table->horizontalHeader()->restoreState(m_settings->value(kHeaderSetting).toByteArray());

    auto *detailsArea = named(new QScrollArea, u"eventDetailsArea"_s, tr("Event details"));
    detailsArea->setWidgetResizable(true);
    detailsArea->setWidget(m_details);
    detailsArea->setMinimumWidth(26 * em);
    auto *splitter = named(new QSplitter, u"auditSplitter"_s, tr("Events and details"));
    splitter->addWidget(m_table);
    splitter->addWidget(detailsArea);
    // Both sides give way in proportion, so the events keep about 64% at any width. With the details
    // pane fixed, a 900-pixel window left the table under half the width, showing two of its columns;
    // 44 em is what the details need at the usual size to show a time or request id on one line.
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({77 * em, 44 * em});

    m_loadOlder->setToolTip(tr("Load the next page of older events (scrolling down does the same)"));
    auto *footer = new QHBoxLayout;
    footer->addWidget(m_count, 1);
    footer->addWidget(m_loadOlder);

    m_exportProgress->setRange(0, 0); // the server streams without announcing a length
    m_exportProgress->setMaximumWidth(20 * em);
    auto *exportLayout = new QHBoxLayout(m_exportBox);
    exportLayout->setContentsMargins(0, 0, 0, 0);
    exportLayout->addWidget(m_exportProgress);
    exportLayout->addWidget(m_exportText, 1);
    exportLayout->addWidget(m_cancelExport);
    m_exportBox->hide();
    for (QLabel *l : {m_exportResult, m_verifyResult}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        l->hide();
    }

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_bannerBox);
    layout->addWidget(m_permissionNotice);
    layout->addWidget(m_filterBar);
    layout->addLayout(tools);
    layout->addWidget(splitter, 1);
    layout->addLayout(footer);
    layout->addWidget(m_exportBox);
    layout->addWidget(m_exportResult);
    layout->addWidget(m_verifyResult);
    setTabOrder(m_filterBar, m_follow);

    connect(m_filterBar, &AuditFilterBar::filterChanged, this, &AuditLogPage::applyFilter);
    connect(m_find, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text);
        updateCount();
    });
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        m_model->setFollowing(on);
        updateFollowText();
    });
    // Follow pauses while the user reads older events: new rows would push them out of view.
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        m_model->setFollowPaused(value > 0);
        updateFollowText();
    });
    connect(m_loadOlder, &QPushButton::clicked, this, [this] {
        if (m_model->lastError())
            m_model->retry();
        else
            m_model->fetchMore({});
    });
    connect(m_refreshButton, &QPushButton::clicked, this, [this] { applyFilter(m_filterBar->filter()); });
    // F5 and Ctrl+R refresh the page they are pressed on: the window hides the keys page's Refresh
    // while this page shows.
    auto *refresh = new QAction(this);
    refresh->setObjectName(u"actionAuditRefresh"_s);
    refresh->setShortcuts({QKeySequence::Refresh, QKeySequence(tr("Ctrl+R"))});
    refresh->setShortcutContext(Qt::WindowShortcut); // only while this page shows: hidden widgets take no shortcuts
    addAction(refresh);
    connect(refresh, &QAction::triggered, m_refreshButton, &QPushButton::click);
    connect(m_retry, &QPushButton::clicked, this, [this] {
        setBanner(QString(), false);
        if (m_model->lastError())
            m_model->retry();
        else
            applyFilter(m_filterBar->filter());
    });
    connect(m_signIn, &QPushButton::clicked, this, &AuditLogPage::signInRequested);
    connect(m_exportButton, &QPushButton::clicked, this, &AuditLogPage::chooseExportFile);
    connect(m_cancelExport, &QPushButton::clicked, this, &AuditLogPage::cancelExport);
    connect(m_verifyButton, &QPushButton::clicked, this, &AuditLogPage::verifyIntegrity);

    connect(m_model, &AuditLogModel::loadingChanged, this, &AuditLogPage::updateCount);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &AuditLogPage::updateCount);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_details->setEvent(std::nullopt);
        updateCount();
    });
    connect(m_model, &AuditLogModel::pageLoaded, this, [this] {
        // Master and detail: with nothing chosen yet, the newest event's record is shown.
        if (!m_table->currentIndex().isValid() && m_proxy->rowCount() > 0)
            m_table->setCurrentIndex(m_proxy->index(0, 0));
        if (m_bannerBox->isVisible() && !m_signIn->isVisible())
            setBanner(QString(), false);
        if (!m_firstLoadSignalled) {
            m_firstLoadSignalled = true;
            Q_EMIT firstLoadFinished();
        }
    });
    connect(m_model, &AuditLogModel::newEventsInserted, this, [this](int n) {
        if (m_table->verticalScrollBar()->value() == 0)
            m_table->scrollToTop();
        // Both English forms spelt out: no translation is shipped, and "%n new event(s)." would show as is.
        Q_EMIT statusMessage(n == 1 ? tr("1 new event.") : tr("%n new events.", nullptr, n));
    });
    connect(m_model, &AuditLogModel::loadFailed, this, &AuditLogPage::showError);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &AuditLogPage::showCurrentEvent);

    connect(m_details, &AuditEventDetails::filterByKeyRequested, this, [this](const QString &id) {
        AuditFilter f = m_filterBar->filter();
        f.apiKeyId = id;
        setFilter(f);
    });
    connect(m_details, &AuditEventDetails::filterByActorRequested, this, [this](const QString &id) {
        AuditFilter f = m_filterBar->filter();
        f.actorId = id;
        setFilter(f);
    });
    connect(m_details, &AuditEventDetails::copied, this, &AuditLogPage::statusMessage);

    connect(m_session, &Session::signedIn, this, &AuditLogPage::onSignedIn);
    connect(m_session, &Session::signedOut, this, &AuditLogPage::onSignedOut);
    connect(m_session, &Session::sessionExpired, this, [this] {
        m_follow->setChecked(false);
        setBanner(tr("Your session has ended. Sign in again to continue: the events below are as last loaded."),
                  false);
        m_signIn->show();
    });

    // The filters the user left the page with, as a query string (ids only, never a secret).
    m_filterBar->setFilter(AuditFilter::fromQueryString(m_settings->value(kFilterSetting).toString()));
    updateCount();
    updateFollowText();
    if (m_session->isSignedIn())
        onSignedIn();
}

AuditLogPage::~AuditLogPage()
{
    if (m_export)
        m_export->cancel();
}

void AuditLogPage::onSignedIn()
{
    m_model->setClient(m_session->client());
    m_needsLoad = true;
    m_firstLoadSignalled = false;
    const bool allowed = m_session->can(kReadAudit);
    m_permissionNotice->setVisible(!allowed);
    m_permissionNotice->setText(
        tr("Your role cannot read the audit log: it needs the permission read_audit, which Owners and Admins "
           "have. Ask an Owner or Admin of %1 if you need to see who did what.")
            .arg(m_session->identity().tenant.name));
    for (QWidget *w : std::initializer_list<QWidget *>{m_exportButton, m_verifyButton, m_refreshButton, m_follow,
                                                      m_filterBar, m_find})
        w->setEnabled(allowed);
    setBanner(QString(), false);
    updateCount();
    if (isVisible())
        loadIfNeeded();
}

void AuditLogPage::onSignedOut()
{
    m_follow->setChecked(false);
    m_model->setClient(nullptr);
    m_model->reload(); // nothing of the old session stays on screen
    m_needsLoad = true;
}

void AuditLogPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    loadIfNeeded();
}

void AuditLogPage::loadIfNeeded()
{
    if (!m_needsLoad || !m_session->isSignedIn())
        return;
    m_needsLoad = false;
    if (!m_session->can(kReadAudit)) {
        if (!m_firstLoadSignalled) {
            m_firstLoadSignalled = true;
            Q_EMIT firstLoadFinished();
        }
        return;
    }
    loadKeyNames();
    applyFilter(m_filterBar->filter());
}

void AuditLogPage::loadKeyNames()
{
    ApiKeyQuery q;
    q.status = u"all"_s;
    q.limit = 1000; // the server's largest page of keys
    auto *call = m_session->client()->listApiKeys(q);
    call->onFinished(this, [this](const Result<Page<ApiKey>> &r) {
        if (!r)
            return; // the picker still takes a typed id
        QList<std::pair<QString, QString>> keys;
        for (const ApiKey &k : r.value().items)
            keys.append({k.id, k.name});
        m_filterBar->setApiKeys(keys);
    });
}

void AuditLogPage::setFilter(const AuditFilter &filter)
{
    m_filterBar->setFilter(filter);
    applyFilter(filter);
}

void AuditLogPage::showKeyActivity(const QString &apiKeyId)
{
    AuditFilter f;
    f.apiKeyId = apiKeyId;
    setFilter(f);
}

void AuditLogPage::applyFilter(const AuditFilter &filter)
{
    m_settings->setValue(kFilterSetting, filter.toQueryString());
    if (!m_session->isSignedIn()) {
        m_needsLoad = true;
        return;
    }
    m_needsLoad = false;
    if (!filter.apiKeyId.isEmpty() && m_filterBar->apiKeyName(filter.apiKeyId).isEmpty())
        loadKeyNames(); // e.g. a key created since: its chip shows its name, not only its id
    setBanner(QString(), false);
    m_exportResult->hide();
    m_model->setQuery(filter.toQuery(QDateTime::currentDateTimeUtc()));
    updateCount();
}

void AuditLogPage::showError(const ApiError &error)
{
    if (!m_firstLoadSignalled) {
        m_firstLoadSignalled = true;
        Q_EMIT firstLoadFinished();
    }
    if (m_session->handleError(error))
        return; // sessionExpired shows what to do
    if (error.httpStatus() == 403) {
        setBanner(tr("You cannot read the audit log: %1 It needs the permission read_audit (Owner or Admin).")
                      .arg(error.detail().isEmpty() ? error.userMessage() : error.detail()),
                  false);
        return;
    }
    if (error.httpStatus() == 400) {
        setBanner(tr("The server did not accept these filters: %1").arg(error.userMessage()), false);
        return;
    }
    setBanner(tr("Could not load the audit log. %1 The events already shown stay usable.").arg(error.userMessage()),
              true);
}

void AuditLogPage::setBanner(const QString &text, bool retry)
{
    m_banner->setText(text);
    m_bannerBox->setVisible(!text.isEmpty());
    m_retry->setVisible(retry);
    m_signIn->hide();
}

QString AuditLogPage::message() const
{
    if (!m_bannerBox->isHidden())
        return m_banner->text();
    if (!m_permissionNotice->isHidden())
        return m_permissionNotice->text();
    return QString();
}

bool AuditLogPage::hasLoaded() const
{
    return m_model->hasLoaded() && !m_model->isLoading();
}

void AuditLogPage::updateCount()
{
    if (m_session->isSignedIn() && !m_session->can(kReadAudit)) {
        // Nothing loads for this role: no count of events, no button that would do nothing.
        m_count->clear();
        m_loadOlder->setEnabled(false);
        return;
    }
    const QLocale locale;
    const int loaded = m_model->rowCount();
    QString text;
    if (!m_model->hasLoaded() && m_model->isLoading())
        text = tr("Loading events…");
    else if (m_model->isAtEnd())
        text = loaded == 0 ? tr("No events match these filters.")
                           : tr("All %1 matching events loaded.").arg(locale.toString(loaded));
    else
        text = tr("%1 events loaded; older events load as you scroll.").arg(locale.toString(loaded));
    if (m_model->hasLoaded() && m_model->isLoading())
        text += u' ' + tr("Loading…");
    if (!m_find->text().isEmpty())
        text += u' ' + tr("%1 of them match “%2”.").arg(locale.toString(m_proxy->rowCount()), m_find->text());
    m_count->setText(text);
    m_loadOlder->setEnabled(m_session->isSignedIn() && !m_model->isAtEnd() && !m_model->isLoading());
}

void AuditLogPage::updateFollowText()
{
    if (!m_model->isFollowing())
        m_followState->clear();
    else if (m_model->isFollowPaused())
        m_followState->setText(tr("Paused while you look at older events: scroll to the top to resume."));
    else
        m_followState->setText(tr("Following: new events appear at the top."));
}

void AuditLogPage::showCurrentEvent()
{
    const QModelIndex index = m_proxy->mapToSource(m_table->currentIndex());
    if (!index.isValid()) {
        m_details->setEvent(std::nullopt);
        return;
    }
    m_details->setEvent(m_model->event(index.row()));
}

void AuditLogPage::chooseExportFile()
{
    const QString csv = tr("CSV (*.csv)");
    const QString ndjson = tr("NDJSON, one JSON record per line (*.ndjson)");
    QString selected = csv;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export audit events"), u"audit-events.csv"_s,
                                                      csv + u";;"_s + ndjson, &selected);
    if (path.isEmpty())
        return;
    const bool json = selected == ndjson || path.endsWith(u".ndjson"_s, Qt::CaseInsensitive)
        || path.endsWith(u".jsonl"_s, Qt::CaseInsensitive);
    exportTo(path, json ? ExportFormat::Ndjson : ExportFormat::Csv);
}

void AuditLogPage::exportTo(const QString &filePath, ExportFormat format)
{
    if (m_export)
        return;
    m_export = new AuditExportToFile(m_session->client(), filePath, this);
    m_exportResult->hide();
    m_exportText->setText(tr("Exporting to %1…").arg(filePath));
    m_exportBox->show();
    m_exportButton->setEnabled(false);
    m_cancelExport->setFocus();
    connect(m_export, &AuditExportToFile::progress, this, [this, filePath](qint64 bytes) {
        m_exportText->setText(tr("Exporting to %1: %2 received…").arg(filePath, QLocale().formattedDataSize(bytes)));
    });
    QPointer<AuditExportToFile> job = m_export;
    connect(m_export, &AuditExportToFile::finished, this, [this, job, filePath, format] {
        const std::optional<ApiError> error = job->error();
        job->deleteLater();
        m_export = nullptr;
        m_exportBox->hide();
        m_exportButton->setEnabled(m_session->isSignedIn());
        m_exportResult->show();
        if (error) {
            if (error->kind() == ApiError::Kind::Cancelled)
                m_exportResult->setText(tr("Export cancelled. No file was written."));
            else
                m_exportResult->setText(tr("Export failed: %1 No file was written.").arg(error->userMessage()));
            if (!m_session->handleError(*error))
                Q_EMIT statusMessage(m_exportResult->text());
            return;
        }
        m_exportResult->setText(tr("Export finished: counting rows in %1…").arg(filePath));
        // Counting reads the whole file: off the GUI thread, an export can be hundreds of megabytes.
        auto rows = std::make_shared<qint64>(-1);
        QThread *counter = QThread::create([rows, filePath, format] { *rows = countExportRows(filePath, format); });
        connect(counter, &QThread::finished, this, [this, counter, rows, filePath] {
            counter->deleteLater();
            m_exportResult->setText(
                tr("Exported %1 rows to %2.").arg(QLocale().toString(*rows), QDir::toNativeSeparators(filePath)));
            Q_EMIT statusMessage(m_exportResult->text());
        });
        counter->start();
    });
    m_export->start(m_filterBar->filter().toQuery(QDateTime::currentDateTimeUtc()), format);
}

void AuditLogPage::cancelExport()
{
    if (m_export)
        m_export->cancel();
}

QString AuditLogPage::exportResult() const
{
    return m_exportResult->isHidden() ? QString() : m_exportResult->text();
}

qint64 AuditLogPage::countExportRows(const QString &filePath, ExportFormat format)
{
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    qint64 records = 0;
    bool quoted = false;
    bool pending = false; // a record has started and not ended
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    for (;;) {
        const qint64 n = file.read(buffer.data(), buffer.size());
        if (n <= 0)
            break;
        const char *p = buffer.constData();
        for (qint64 i = 0; i < n; ++i) {
            const char c = p[i];
            if (format == ExportFormat::Csv && c == '"') {
                quoted = !quoted; // "" inside a quoted field toggles twice
            } else if (c == '\n' && !quoted) {
                ++records;
                pending = false;
                continue;
            }
            if (c != '\r')
                pending = true;
        }
    }
    if (pending)
        ++records;
    if (format == ExportFormat::Csv && records > 0)
        --records; // the header
    return records;
}

void AuditLogPage::verifyIntegrity()
{
    if (m_verifying || !m_session->isSignedIn())
        return;
    m_verifying = true;
    m_verifyButton->setEnabled(false);
    m_verifyResult->setText(tr("Verifying the audit log's hash chain…"));
    m_verifyResult->show();
    auto *call = m_session->client()->verifyAuditChain();
    call->onFinished(this, [this](const Result<AuditVerification> &r) {
        m_verifying = false;
        m_verifyButton->setEnabled(m_session->can(kReadAudit));
        const QLocale locale;
        if (!r) {
            m_verifyResult->setText(tr("Could not verify the audit log: %1").arg(r.error().userMessage()));
            m_session->handleError(r.error());
            return;
        }
        const AuditVerification &v = r.value();
        if (v.ok) {
            m_verifyResult->setText(tr("Integrity verified: all %1 events of the audit log are intact (the hash "
                                       "chain is unbroken).")
                                        .arg(locale.toString(v.checked)));
        } else {
            m_verifyResult->setText(tr("Integrity check FAILED: the chain is broken at event %1 (%2). %3 events "
                                       "were checked. Records from there on may have been changed or removed.")
                                        .arg(v.firstBrokenId ? QString::number(*v.firstBrokenId) : tr("unknown"),
                                             v.firstBrokenReason, locale.toString(v.checked)));
        }
        Q_EMIT statusMessage(m_verifyResult->text());
    });
}

QString AuditLogPage::verifyResult() const
{
    return m_verifyResult->isHidden() ? QString() : m_verifyResult->text();
}

void AuditLogPage::saveState()
{
    m_settings->setValue(kFilterSetting, m_filterBar->filter().toQueryString());
    m_settings->setValue(kHeaderSetting, m_table->horizontalHeader()->saveState());
}

} // namespace datarecs
