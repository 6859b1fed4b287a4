package dev.gauntlet.harness.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a run's {@code report.json}, {@code junit.xml} and {@code report.html} into a folder. */
public final class ReportWriter {

    /** snake_case keys; NaN (a metric nobody measured) written as null, since JSON has no NaN. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule()
                    .addSerializer(Double.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                            if (v.isNaN() || v.isInfinite()) g.writeNull();
                            else g.writeNumber(v);
                        }
                    })
                    .addSerializer(double.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                            if (v.isNaN() || v.isInfinite()) g.writeNull();
                            else g.writeNumber(v);
                        }
                    }));

    private ReportWriter() {}

    /** Writes the three files; returns their paths (json, junit, html). */
    public static List<Path> write(RunReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve("report.json");
        Path junit = dir.resolve("junit.xml");
        Path html = dir.resolve("report.html");
        Files.writeString(json, json(report), StandardCharsets.UTF_8);
        Files.writeString(junit, JUnitXml.render(report), StandardCharsets.UTF_8);
        Files.writeString(html, HtmlReport.render(report), StandardCharsets.UTF_8);
        return List.of(json, junit, html);
    }

    public static String json(RunReport report) {
        try {
            return JSON.writeValueAsString(report);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("report cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
