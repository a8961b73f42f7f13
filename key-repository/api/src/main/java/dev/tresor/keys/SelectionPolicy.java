package dev.tresor.keys;

/** Which of a recipient's usable encryption certificates a lookup returns. */
public enum SelectionPolicy {
    /** the one most recently valid (latest notBefore, then latest added): one envelope per recipient */
    NEWEST,
    /** every usable certificate, newest first: the recipient can read the mail on any of its devices */
    ALL_VALID
}
