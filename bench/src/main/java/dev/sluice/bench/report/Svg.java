package dev.sluice.bench.report;

import dev.sluice.bench.report.Report.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A horizontal bar chart of one suite as a self-contained SVG: one panel per unit (a suite may mix latency and
 * throughput), bars scaled to the panel's largest score, Sluice's bars in one colour and the peers' in another,
 * each labelled with its score. Pure function of its input; no fonts or scripts are referenced.
 */
final class Svg {
    private static final int WIDTH = 860;
    private static final int LABEL_WIDTH = 330;
    private static final int BAR_AREA = 420;
    private static final int ROW_HEIGHT = 22;
    private static final int PANEL_GAP = 34;
    private static final String OURS_COLOUR = "#2b6cb0";
    private static final String PEER_COLOUR = "#a0aec0";

    private Svg() {}

    static String barChart(String title, List<String> ours, List<Result> rows) {
        Map<String, List<Result>> byUnit = new LinkedHashMap<>();
        for (Result r : rows) {
            byUnit.computeIfAbsent(r.unit() + " (" + r.mode() + ")", u -> new ArrayList<>())
                    .add(r);
        }
        int height = 40;
        for (List<Result> panel : byUnit.values()) {
            height += PANEL_GAP + panel.size() * ROW_HEIGHT;
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                        + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH,
                height,
                WIDTH,
                height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">")
                .append(escape(title))
                .append("</text>\n");
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"11\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                        + "<text x=\"%d\" y=\"22\">Sluice</text>",
                WIDTH - 200,
                OURS_COLOUR,
                WIDTH - 184));
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"11\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                        + "<text x=\"%d\" y=\"22\">peer / baseline</text>%n",
                WIDTH - 130,
                PEER_COLOUR,
                WIDTH - 114));
        int y = 40;
        for (Map.Entry<String, List<Result>> panel : byUnit.entrySet()) {
            boolean higherIsBetter = panel.getValue().get(0).higherIsBetter();
            y += PANEL_GAP - 8;
            svg.append("<text x=\"10\" y=\"")
                    .append(y)
                    .append("\" font-weight=\"bold\">")
                    .append(escape(panel.getKey() + (higherIsBetter ? ", higher is better" : ", lower is better")))
                    .append("</text>\n");
            y += 8;
            double max = panel.getValue().stream()
                    .mapToDouble(Result::score)
                    .filter(Double::isFinite)
                    .max()
                    .orElse(1);
            for (Result r : panel.getValue()) {
                int barWidth = max > 0 && Double.isFinite(r.score())
                        ? (int) Math.max(1, Math.round(BAR_AREA * r.score() / max))
                        : 0;
                String colour = ours.contains(r.method()) ? OURS_COLOUR : PEER_COLOUR;
                svg.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
                        LABEL_WIDTH - 6,
                        y + 15,
                        escape(shorten(r.label()))));
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"" + " fill=\"%s\"/>",
                        LABEL_WIDTH,
                        y + 3,
                        barWidth,
                        ROW_HEIGHT - 6,
                        colour));
                svg.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%d\" y=\"%d\">%s</text>%n",
                        LABEL_WIDTH + barWidth + 5,
                        y + 15,
                        escape(Report.format(r.score()))));
                y += ROW_HEIGHT;
            }
        }
        return svg.append("</svg>\n").toString();
    }

    private static String shorten(String label) {
        return label.length() <= 52 ? label : label.substring(0, 51) + "\u2026";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
