package io.userstream.ingest.run;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.PostgresLogin;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/** A test's ledger schema read (and changed) directly, as the service itself connects: its own role, in its database. */
record LedgerTables(LocalStack stack, String schema) {

    Set<Integer> pagesDone(UUID run) throws SQLException {
        Set<Integer> pages = new HashSet<>();
        try (Connection db = connect();
             PreparedStatement select = db.prepareStatement("select page_number from " + schema + ".ingestion_page where run_id = ?")) {
            select.setObject(1, run);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    pages.add(rows.getInt(1));
                }
            }
        }
        return pages;
    }

    String status(UUID run) throws SQLException {
        return column(run, "status");
    }

    String owner(UUID run) throws SQLException {
        return column(run, "owner");
    }

    /** As a killed process leaves it: RUNNING, nothing recorded on the way out. */
    void leaveRunning(UUID run) throws SQLException {
        try (Connection db = connect();
             PreparedStatement update = db.prepareStatement("update " + schema
                     + ".ingestion_run set status = 'RUNNING', last_error = null, finished_at = null where id = ?")) {
            update.setObject(1, run);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("no run " + run + " in " + schema);
            }
        }
    }

    private String column(UUID run, String column) throws SQLException {
        try (Connection db = connect();
             PreparedStatement select = db.prepareStatement("select " + column + " from " + schema + ".ingestion_run where id = ?")) {
            select.setObject(1, run);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("no run " + run + " in " + schema);
                }
                return rows.getString(1);
            }
        }
    }

    private Connection connect() throws SQLException {
        PostgresLogin ingest = stack.postgresLogins().ingest();
        return DriverManager.getConnection(stack.postgresJdbcUrl(stack.postgresIngestDatabase()), ingest.username(), ingest.password());
    }
}
