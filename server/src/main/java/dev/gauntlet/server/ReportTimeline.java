package dev.gauntlet.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a run's recorded timeline into its {@code report.html}, with the control room's own chart code (the {@code ui}
 * module's {@code report-viewer.js}, built beside the bundle), so the report opened from a file, with no server, shows
 * the same charts and markers as the Runs page. The timeline goes in as it is kept (gzip, base64): the page inflates it
 * with the browser's {@code DecompressionStream}. Without a built UI the report keeps its static SVG charts.
 */
final class ReportTimeline {

    private static final Logger LOG = LoggerFactory.getLogger(ReportTimeline.class);
    static final String VIEWER_JS = UiServer.BUNDLE + "report-viewer.js";
    static final String VIEWER_CSS = UiServer.BUNDLE + "report-viewer.css";
    /** Where the report's HTML says the timeline goes (written by {@code HtmlReport}). */
    static final String SLOT = "<!--gauntlet-timeline-->";

    private ReportTimeline() {}

    /** Embeds the timeline of {@code dir} into its report.html; false (and the report untouched) when either is missing. */
    static boolean embed(Path dir) {
        if (dir == null) return false;
        Path html = dir.resolve("report.html");
        Path timeline = dir.resolve(RunTimeline.FILE);
        if (!Files.isRegularFile(html) || !Files.isRegularFile(timeline)) return false;
        String js = resource(VIEWER_JS);
        if (js == null) return false;
        String css = resource(VIEWER_CSS);
        try {
            String page = Files.readString(html, StandardCharsets.UTF_8);
            if (!page.contains(SLOT)) return false;
            String data = Base64.getEncoder().encodeToString(Files.readAllBytes(timeline));
            String block = "<section id=\"gauntlet-timeline\" aria-label=\"timeline\"></section>\n"
                    + "<script type=\"application/octet-stream\" id=\"gauntlet-timeline-data\" data-encoding=\"gzip+base64\">"
                    + data + "</script>\n"
                    + "<script type=\"application/json\" id=\"gauntlet-report-overlay\">"
                    + overlay(dir).replace("</", "<\\/") + "</script>\n"
                    + (css == null ? "" : "<style>" + css.replace("</", "<\\/") + "</style>\n")
                    // A script's text ends at the first "</script": the bundle is minified JavaScript, where "</" only
                    // occurs inside strings, so "<\/" means the same to the script and nothing to the HTML parser.
                    + "<script>" + js.replace("</", "<\\/") + "</script>\n";
            Files.writeString(html, page.replace(SLOT, block), StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            LOG.warn("cannot add the timeline to {}: {}", html, e.getMessage());
            return false;
        }
    }

    /**
     * The report's thresholds and each baseline's per-second series (from report.json), drawn over the charts as
     * threshold lines and faint baseline lines; {@code {}} when report.json is missing or unreadable.
     */
    static String overlay(Path dir) {
        try {
            JsonNode report = Json.MAPPER.readTree(dir.resolve("report.json").toFile());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("thresholds", report.path("thresholds"));
            Map<String, Object> baselines = new LinkedHashMap<>();
            report.path("baselines")
                    .properties()
                    .forEach(e -> baselines.put(e.getKey(), e.getValue().path("series")));
            out.put("baselines", baselines);
            return Json.write(out);
        } catch (IOException | RuntimeException e) {
            LOG.warn("report {} has no thresholds or baselines for its charts: {}", dir, e.getMessage());
            return "{}";
        }
    }

    private static String resource(String name) {
        try (InputStream in = ReportTimeline.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
