package io.mqttx.broker.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the password and ACL files: strict UTF-8, any line ending, an optional byte order mark. */
final class TextFiles {
    private TextFiles() {
    }

    /**
     * The file's lines. Fails with a {@link SecurityConfigurationException} naming the file when it cannot be read or
     * is not valid UTF-8: a half-understood security file is never used.
     */
    static List<String> readLines(Path path, String what) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new SecurityConfigurationException("cannot read the " + what + " " + path + ": " + e, e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SecurityConfigurationException("the " + what + " " + path + " is not valid UTF-8", e);
        }
        return lines(text);
    }

    static List<String> lines(String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                int end = i > start && text.charAt(i - 1) == '\r' ? i - 1 : i;
                if (i < text.length() || start < text.length()) {
                    lines.add(text.substring(start, end));
                }
                start = i + 1;
            }
        }
        return lines;
    }

    /** Strips spaces and tabs (only those: other characters may belong to a topic or a name). */
    static String trim(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && (s.charAt(b) == ' ' || s.charAt(b) == '\t')) {
            b++;
        }
        while (e > b && (s.charAt(e - 1) == ' ' || s.charAt(e - 1) == '\t')) {
            e--;
        }
        return s.substring(b, e);
    }

    /** Index of the first space or tab, or -1. */
    static int blank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }
}
