package dev.tresor.attributes;

import org.apache.mailet.AttributeName;

/**
 * The {@code tresor.*} attribute namespace: every mail attribute Tresor sets starts with {@value #PREFIX}. Only Tresor
 * sets them (attributes never travel with a mail over SMTP). The attributes themselves are defined with their families
 * in this package; the {@code tresor-process} CLI shows every attribute of this namespace.
 */
public final class TresorAttributes {
    public static final String PREFIX = "tresor.";

    private TresorAttributes() {
    }

    public static boolean isTresorAttribute(AttributeName name) {
        return name.asString().startsWith(PREFIX);
    }
}
