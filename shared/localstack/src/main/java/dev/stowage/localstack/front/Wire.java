package dev.stowage.localstack.front;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** HTTP/1.1 message framing over a raw connection: lines, header blocks, chunked and fixed-length bodies. */
final class Wire {
    private static final int MAX_LINE = 64 * 1024;

    private Wire() {}

    /** One CRLF- (or LF-) terminated line, without its terminator. */
    static String readLine(InputStream in) throws IOException {
        var line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed mid-line");
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("header line too long");
            }
            line.append((char) c);
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    /** A header block up to its empty line, names as received, values trimmed. */
    static HttpHeaders readHeaders(InputStream in) throws IOException {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + line);
            }
            headers.computeIfAbsent(line.substring(0, colon).trim(), name -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return HttpHeaders.of(new LinkedHashMap<>(headers), (name, value) -> true);
    }

    static void writeLine(OutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.ISO_8859_1));
        out.write('\r');
        out.write('\n');
    }

    /** At most {@code length} bytes of {@code in}, then end of stream. */
    static InputStream fixed(InputStream in, long length) {
        return new InputStream() {
            private long left = length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int max) throws IOException {
                if (left == 0) {
                    return -1;
                }
                int n = in.read(buffer, offset, (int) Math.min(max, left));
                if (n < 0) {
                    throw new EOFException("connection closed " + left + " bytes short");
                }
                left -= n;
                return n;
            }
        };
    }

    /** The decoded body of a {@code Transfer-Encoding: chunked} stream; trailers are read and dropped. */
    static InputStream chunked(InputStream in) {
        return new InputStream() {
            private long left;
            private boolean done;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int max) throws IOException {
                if (done) {
                    return -1;
                }
                if (left == 0) {
                    String size = readLine(in);
                    int extension = size.indexOf(';');
                    try {
                        left = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
                    } catch (NumberFormatException e) {
                        left = -1;
                    }
                    if (left < 0) {
                        throw new IOException("malformed chunk size: " + size);
                    }
                    if (left == 0) {
                        readHeaders(in); // trailers
                        done = true;
                        return -1;
                    }
                }
                int n = in.read(buffer, offset, (int) Math.min(max, left));
                if (n < 0) {
                    throw new EOFException("connection closed mid-chunk");
                }
                left -= n;
                if (left == 0) {
                    readLine(in); // the CRLF that ends each chunk
                }
                return n;
            }
        };
    }

    /** Writes each {@code write} as one chunk; {@link #close()} writes the last chunk, not closing {@code out}. */
    static OutputStream chunking(OutputStream out) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                if (length > 0) {
                    writeLine(out, Integer.toHexString(length));
                    out.write(buffer, offset, length);
                    writeLine(out, "");
                }
            }

            @Override
            public void close() throws IOException {
                writeLine(out, "0");
                writeLine(out, "");
            }
        };
    }
}
