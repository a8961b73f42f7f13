package dev.tresor.pgp;

import java.io.IOException;

import dev.tresor.mime.Base64Lines;
import dev.tresor.mime.ByteSink;

/**
 * The transport work of PGP/MIME alone, for the benchmark's bounds: the ASCII armor RFC 3156 requires around the
 * packets (base64 lines and the CRC-24 line gpg 2.2 needs), written and read by Tresor's own code.
 */
public final class ArmorCost {
    private ArmorCost() {
    }

    public static ByteSink armored(byte[] packets) throws IOException {
        ByteSink sink = new ByteSink((int) Base64Lines.encodedCapacity(packets.length) + 256);
        Armor.write(sink, Armor.MESSAGE, packets);
        return sink;
    }

    public static ByteSink dearmored(byte[] text) throws PgpException {
        return Armor.read(text, 0, text.length, Armor.MESSAGE);
    }
}
