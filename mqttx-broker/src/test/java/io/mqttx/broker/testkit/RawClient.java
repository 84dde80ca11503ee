package io.mqttx.broker.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A plain socket that sends bytes exactly as given: for the malformed input no client library will produce.
 * Reads are bounded by a timeout, so a test never hangs on a broker that says nothing.
 */
public final class RawClient implements AutoCloseable {
    private static final HexFormat HEX = HexFormat.of();
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Hex digits, spaces ignored: {@code send("10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00")}. */
    public RawClient send(String hex) throws IOException {
        return send(HEX.parseHex(hex.replace(" ", "")));
    }

    public RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads exactly n bytes, failing with an {@link AssertionError} if the connection ends or time runs out. */
    public byte[] read(int n, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] buf = new byte[n];
        int off = 0;
        try {
            while (off < n) {
                int r = in.read(buf, off, n - off);
                if (r < 0) {
                    throw new AssertionError("connection closed after " + off + " of " + n + " bytes: "
                            + HEX.formatHex(buf, 0, off));
                }
                off += r;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("timed out after " + off + " of " + n + " bytes: " + HEX.formatHex(buf, 0, off));
        }
        return buf;
    }

    /**
     * Reads as many bytes as {@code hex} holds (spaces ignored) and fails unless they are exactly those bytes.
     */
    public void expect(String hex) throws IOException {
        String want = hex.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
        String got = HEX.formatHex(read(want.length() / 2, Duration.ofSeconds(5)));
        if (!got.equals(want)) {
            throw new AssertionError("expected " + want + " but received " + got);
        }
    }

    /** Reads n bytes as hex, spaces between bytes: compare with the expected packet. */
    public String readHex(int n) throws IOException {
        byte[] b = read(n, Duration.ofSeconds(5));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(HEX.toHexDigits(b[i]));
        }
        return sb.toString();
    }

    /**
     * Reads until the broker closes the connection, returning whatever it sent first (as hex). Fails if the
     * connection is still open after the timeout.
     */
    public String readUntilClosed(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            while (true) {
                int r = in.read(buf);
                if (r < 0) {
                    break;
                }
                got.write(buf, 0, r);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open after " + timeout + "; received "
                    + HEX.formatHex(got.toByteArray()));
        } catch (IOException reset) {
            // a reset is a close too
        }
        return HEX.formatHex(got.toByteArray());
    }

    /**
     * Asserts that the connection stays open and the broker sends nothing for the given time (for example between
     * two PINGREQs that must keep a keepalive from expiring).
     */
    public void assertSilentFor(Duration duration) throws IOException {
        socket.setSoTimeout((int) duration.toMillis());
        byte[] buf = new byte[256];
        try {
            int r = in.read(buf);
            if (r < 0) {
                throw new AssertionError("connection closed within " + duration);
            }
            throw new AssertionError("received " + HEX.formatHex(buf, 0, r) + " within " + duration);
        } catch (SocketTimeoutException expected) {
            // silence, and still open
        }
    }

    /** Whether the broker has closed the connection (end of stream or reset), looking without waiting for it. */
    public boolean closedByPeer() throws IOException {
        socket.setSoTimeout(1);
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
