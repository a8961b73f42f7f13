package dev.tresor.keys.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Instants as {@code TIMESTAMP WITH TIME ZONE} columns, in UTC, to the microsecond: PostgreSQL keeps no finer time,
 * and it would round where H2 truncates, so both are given instants already truncated.
 */
final class Timestamps {
    private Timestamps() {
    }

    static void set(PreparedStatement statement, int index, Instant instant) throws SQLException {
        statement.setObject(index, OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
    }

    static Instant get(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }
}
