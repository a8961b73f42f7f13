package dev.tresor.distribution;

import java.nio.file.Path;

import dev.tresor.keys.jdbc.JdbcKeyStorage;

/** Stands in for a running James: holds an H2 key database open until its standard input closes. */
public final class HoldKeyDatabase {

    private HoldKeyDatabase() {
    }

    public static void main(String[] args) throws Exception {
        JdbcKeyStorage storage = JdbcKeyStorage.h2(Path.of(args[0]));
        System.out.println(READY);
        System.out.flush();
        System.in.read();
        storage.close();
    }

    static final String READY = "key database held open";
}
