package dev.tresor.bench;

import java.io.OutputStream;

import org.openjdk.jmh.infra.Blackhole;

/** Consumes what a benchmark writes (a message going out, as James writes it on delivery) without keeping it. */
final class BlackholeOutput extends OutputStream {
    private final Blackhole blackhole;

    BlackholeOutput(Blackhole blackhole) {
        this.blackhole = blackhole;
    }

    @Override
    public void write(int b) {
        blackhole.consume(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        blackhole.consume(bytes);
    }
}
