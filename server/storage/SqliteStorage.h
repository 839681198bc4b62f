#pragma once

#include "SqlStorage.h"

namespace datarecs::server {

/// The embedded backend: one SQLite file, DIR/datarecs.db, in WAL mode. Each instance owns its own
/// named Qt SQL connection, so several may live in one process (tests, tools next to a server).
class SqliteStorage : public SqlStorage
{
public:
    explicit SqliteStorage(const QString &dataDir);
    ~SqliteStorage() override;

    SqliteStorage(const SqliteStorage &) = delete;
    SqliteStorage &operator=(const SqliteStorage &) = delete;

    QString databasePath() const;

protected:
    bool openConnection() override;
    QString autoIdColumn() const override;
    QString blobType() const override;
    QString beginStatement() const override;

private:
    bool pragma(const QString &statement, const QString &expected = {});

    QString m_dataDir;
    QString m_connectionName;
};

} // namespace datarecs::server
