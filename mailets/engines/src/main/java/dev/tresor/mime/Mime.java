package dev.tresor.mime;

import java.util.Properties;

import javax.mail.Session;

/** The one javax.mail session Tresor's engines parse and build messages with (a new session rescans every jar). */
public final class Mime {
    public static final Session SESSION = Session.getInstance(new Properties());

    private Mime() {
    }
}
