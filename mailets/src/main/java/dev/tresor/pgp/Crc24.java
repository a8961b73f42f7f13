package dev.tresor.pgp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The CRC-24 of OpenPGP's ASCII armor (RFC 4880, 6.1; RFC 9580, 6.1): polynomial 0x864CFB, initial value 0xB704CE.
 * Eight bytes per step, read as one big-endian long, through eight tables ("slicing by eight"): the byte-at-a-time loop
 * of the RFC costs more than the AES of the message it guards.
 */
final class Crc24 {
    private static final int INIT = 0xB704CE;
    private static final int POLY = 0x864CFB;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** Tk[b]: the register contribution of byte b followed by k zero bytes, register in the low 24 bits. */
    private static final int[] T0;
    private static final int[] T1;
    private static final int[] T2;
    private static final int[] T3;
    private static final int[] T4;
    private static final int[] T5;
    private static final int[] T6;
    private static final int[] T7;

    static {
        int[][] t = tables();
        T0 = t[0];
        T1 = t[1];
        T2 = t[2];
        T3 = t[3];
        T4 = t[4];
        T5 = t[5];
        T6 = t[6];
        T7 = t[7];
    }

    private int crc = INIT;

    void update(byte[] bytes, int offset, int length) {
        int c = crc;
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            // the register is 24 bits: it folds into the first three of the eight bytes
            long word = (long) LONGS.get(bytes, i) ^ ((long) c << 40);
            c = T7[(int) (word >>> 56)] ^ T6[(int) (word >>> 48) & 0xFF] ^ T5[(int) (word >>> 40) & 0xFF]
                ^ T4[(int) (word >>> 32) & 0xFF] ^ T3[(int) (word >>> 24) & 0xFF] ^ T2[(int) (word >>> 16) & 0xFF]
                ^ T1[(int) (word >>> 8) & 0xFF] ^ T0[(int) word & 0xFF];
        }
        for (; i < end; i++) {
            c = ((c << 8) ^ T0[((c >>> 16) ^ bytes[i]) & 0xFF]) & 0xFFFFFF;
        }
        crc = c;
    }

    int value() {
        return crc & 0xFFFFFF;
    }

    private static int[][] tables() {
        int[][] tables = new int[8][256];
        for (int b = 0; b < 256; b++) {
            int c = b << 16;
            for (int bit = 0; bit < 8; bit++) {
                c <<= 1;
                if ((c & 0x1000000) != 0) {
                    c ^= POLY;
                }
            }
            tables[0][b] = c & 0xFFFFFF;
        }
        for (int k = 1; k < 8; k++) {
            for (int b = 0; b < 256; b++) {
                int previous = tables[k - 1][b];
                tables[k][b] = ((previous << 8) ^ tables[0][(previous >>> 16) & 0xFF]) & 0xFFFFFF;
            }
        }
        return tables;
    }
}
