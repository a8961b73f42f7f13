package dev.tresor.keys.jdbc;

import java.sql.SQLException;

/** The database failed a storage operation: unreachable, out of space, or a constraint no caller could foresee. */
public final class JdbcStorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JdbcStorageException(String operation, SQLException cause) {
        super("Key storage failed to " + operation + ": " + cause.getMessage() + " (SQL state " + cause.getSQLState() + ")", cause);
    }
}
