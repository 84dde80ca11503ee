import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws the mqttx/Mosquitto ratios of bench/compare.sh's printed output (and the embedded/memory ratio of
 * bench/compare-stores.sh's) as an SVG bar chart, each bar against its target. No dependencies:
 *
 * <pre>java bench/RatioChart.java compare-output.txt [stores-output.txt] > docs/benchmark-ratios.svg</pre>
 */
public class RatioChart {

    /** The figure each workload is judged by, and its target; lowerIsBetter for latency. */
    record Target(String key, double target, boolean lowerIsBetter, String label) {
    }

    static final Map<String, Target> TARGETS = new LinkedHashMap<>();

    static {
        TARGETS.put("pub0", new Target("msg_per_sec", 2.3, false, "pub QoS 0, 1000 x 1000 x 1 KiB: msg/s"));
        TARGETS.put("pub1", new Target("msg_per_sec", 2.5, false, "pub QoS 1, 1000 x 500: msg/s"));
        TARGETS.put("pub2", new Target("msg_per_sec", 3.0, false, "pub QoS 2, 1000 x 200: msg/s"));
        TARGETS.put("e2e1", new Target("msg_per_sec", 1.5, false, "e2e QoS 1, 10 -> 10 on bench/#: deliveries/s"));
        TARGETS.put("e2e1-rate", new Target("p99_us", 1.0, true, "e2e QoS 1 at 1,000 msg/s: p99 latency"));
        TARGETS.put("fanout0", new Target("msg_per_sec", 1.1, false, "fanout QoS 0, 1 -> 100: deliveries/s"));
        TARGETS.put("stores", new Target("msg_per_sec", 0.5, false, "embedded / memory store, persistent e2e QoS 1"));
    }

    /** @param lost mqttx's median of lost messages, where the workload counts them: any loss fails the row */
    record Bar(String workload, double ratio, Target target, long lost) {
        boolean met() {
            return lost == 0 && (target.lowerIsBetter() ? ratio <= target.target() : ratio >= target.target());
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: java bench/RatioChart.java compare-output.txt [stores-output.txt] > chart.svg");
            System.exit(2);
        }
        Map<String, Bar> bars = new LinkedHashMap<>();
        for (String file : args) {
            parse(Files.readAllLines(Path.of(file)), bars);
        }
        List<Bar> ordered = new ArrayList<>();
        for (String w : TARGETS.keySet()) {
            if (bars.containsKey(w)) {
                ordered.add(bars.get(w));
            }
        }
        System.out.print(svg(ordered));
    }

    /** compare.sh: "== pub0: ...", a header naming the columns, "   ratio  mqttx/mosquitto  v1 v2 ...". */
    static void parse(List<String> lines, Map<String, Bar> bars) {
        String workload = null;
        List<String> columns = List.of();
        long lost = 0;
        for (String line : lines) {
            String t = line.trim();
            if (t.startsWith("== stores:")) {
                workload = "stores";
            } else if (t.startsWith("== ")) {
                workload = t.substring(3, t.indexOf(':'));
                lost = 0;
            } else if (t.startsWith("median ") && t.split("\\s+")[1].equals("mqttx") && columns.contains("lost")) {
                String v = t.split("\\s+")[2 + columns.indexOf("lost")];
                lost = v.matches("\\d+") ? Long.parseLong(v) : 0;
            } else if (t.startsWith("round ") && t.contains("broker")) {
                String[] f = t.split("\\s+");
                columns = List.of(f).subList(3, f.length);
            } else if (workload != null && t.startsWith("ratio ") && TARGETS.containsKey(workload)) {
                String[] f = t.split("\\s+");
                if ("stores".equals(workload)) { // "ratio  embedded/memory 0.54 (median ...)"
                    bars.put(workload, new Bar(workload, Double.parseDouble(f[2]), TARGETS.get(workload), 0));
                    continue;
                }
                int i = columns.indexOf(TARGETS.get(workload).key());
                if (i >= 0 && 2 + i < f.length && !f[2 + i].equals("n/a")) {
                    bars.put(workload, new Bar(workload, Double.parseDouble(f[2 + i]), TARGETS.get(workload), lost));
                }
            }
        }
    }

    static String svg(List<Bar> bars) {
        int left = 330, width = 420, rowH = 34, top = 48;
        double max = 3.5;
        for (Bar b : bars) {
            max = Math.max(max, Math.max(b.ratio(), b.target().target()) * 1.1);
        }
        int height = top + rowH * bars.size() + 40;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", left + width + 120, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append("<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">mqttx / Mosquitto 2.0, same run "
                + "(bar), target (black line)</text>\n");
        s.append("<text x=\"10\" y=\"36\" fill=\"#555\">green: target met; red: not met (or messages lost). Latency: lower is better."
                + "</text>\n");
        for (double v = 0; v <= max + 1e-9; v += 0.5) {
            double x = left + v / max * width;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    x, top - 4, x, top + rowH * bars.size()));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">"
                    + "%.1f</text>%n", x, top + rowH * bars.size() + 16, v));
        }
        double one = left + 1.0 / max * width;
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\" "
                + "stroke-dasharray=\"4 3\"/>%n", one, top - 4, one, top + rowH * bars.size()));
        int y = top;
        for (Bar b : bars) {
            double w = b.ratio() / max * width;
            String color = b.met() ? "#3a9d4b" : "#c94c4c";
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", left - 8,
                    y + rowH / 2 + 4, escape(b.target().label())));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                    left, y + 6, w, rowH - 12, color));
            double tx = left + b.target().target() / max * width;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" "
                    + "stroke-width=\"2\"/>%n", tx, y + 2, tx, y + rowH - 2));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.2fx (target %s%.1fx)%s</text>%n",
                    left + Math.max(w, b.target().target() / max * width) + 6, y + rowH / 2 + 4, b.ratio(),
                    b.target().lowerIsBetter() ? "&lt;= " : "&gt;= ", b.target().target(),
                    b.lost() > 0 ? ", mqttx lost " + b.lost() : ""));
            y += rowH;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
