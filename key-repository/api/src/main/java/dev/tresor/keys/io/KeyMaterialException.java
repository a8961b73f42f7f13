package dev.tresor.keys.io;

/**
 * Key material (a certificate, PKCS#12 file or OpenPGP key) could not be read. The message is written for the mail
 * admin who supplied the input: it says what is wrong with it ("wrong PKCS#12 password", "corrupt PEM: base64 error in
 * CERTIFICATE block 2 (line 14)"), never how the parser failed internally; the parser's exception, if any, is the cause.
 */
public class KeyMaterialException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyMaterialException(String message) {
        super(message);
    }

    public KeyMaterialException(String message, Throwable cause) {
        super(message, cause);
    }
}
