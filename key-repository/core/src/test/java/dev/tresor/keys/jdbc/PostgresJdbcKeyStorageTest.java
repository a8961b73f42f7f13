package dev.tresor.keys.jdbc;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

class PostgresJdbcKeyStorageTest implements JdbcKeyStorageContract {
    private PostgresSchema schema;

    @BeforeEach
    void setUp() throws Exception {
        schema = PostgresSchema.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        schema.close();
    }

    @Override
    public JdbcKeyStorage openStorage() {
        return schema.openStorage();
    }

    @Override
    public DataSource database() {
        return schema.dataSource();
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.POSTGRESQL;
    }
}
