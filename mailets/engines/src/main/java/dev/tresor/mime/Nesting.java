package dev.tresor.mime;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;

/**
 * How deeply a message nests MIME containers (multiparts and attached {@code message/rfc822} messages), found without
 * recursion and without looking further than needed.
 *
 * <p>Why it matters: javax.mail walks the whole tree recursively whenever a message is saved
 * ({@code MimeMessage.saveChanges()}, which James's own mailets call too, e.g. {@code SetMimeHeader}), and a few
 * thousand levels overflow a spooler thread's stack: the mail is then lost. A mail nested deeper than {@link #LIMIT}
 * levels is therefore refused before any mailet touches it ({@code IsNestedTooDeeply}, first in the root processor),
 * and Tresor's own walkers stop at the same limit. {@value #LIMIT} is Postfix's {@code mime_nesting_limit}: deeper
 * structures are not made by mail clients, and a tenth of the depth at which javax.mail overflows a 1 MiB stack.
 */
public final class Nesting {
    /** The deepest nesting Tresor processes: containers around the innermost part. */
    public static final int LIMIT = 100;

    private Nesting() {
    }

    /**
     * Whether more than {@code limit} containers enclose some part of the message. A plain message has none, a
     * {@code multipart/mixed} holding a text part one. Parts are parsed level by level and only until the answer is
     * known; a container that javax.mail cannot parse (a missing boundary, an unreadable attachment) counts as a
     * leaf, since nothing walks into it.
     */
    public static boolean deeperThan(Part message, int limit) {
        Deque<Level> pending = new ArrayDeque<>();
        pending.push(new Level(message, 0));
        while (!pending.isEmpty()) {
            Level level = pending.pop();
            Object content = containerContent(level.part);
            if (content == null) {
                continue;
            }
            if (level.depth + 1 > limit) {
                return true;
            }
            try {
                if (content instanceof Multipart) {
                    Multipart multipart = (Multipart) content;
                    for (int i = 0; i < multipart.getCount(); i++) {
                        pending.push(new Level(multipart.getBodyPart(i), level.depth + 1));
                    }
                } else {
                    pending.push(new Level((Part) content, level.depth + 1));
                }
            } catch (MessagingException e) {
                // a multipart whose parts cannot be read: nothing can walk into it
            }
        }
        return false;
    }

    /** The parsed content of a multipart or {@code message/rfc822} part, or null for a leaf or unreadable content. */
    private static Object containerContent(Part part) {
        try {
            if (!part.isMimeType("multipart/*") && !part.isMimeType("message/rfc822")) {
                return null;
            }
            Object content = part.getContent();
            return content instanceof Multipart || content instanceof Part ? content : null;
        } catch (MessagingException | IOException | RuntimeException e) {
            return null;
        }
    }

    private static final class Level {
        final Part part;
        final int depth;

        Level(Part part, int depth) {
            this.part = part;
            this.depth = depth;
        }
    }
}
