package io.spillway.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /}: one self-contained page that polls the JSON API. */
class DashboardTest {

    @RegisterExtension
    static final AdminExtension admins = new AdminExtension();


    @Test
    void servesASelfContainedHtmlPageThatPollsTheApi() throws Exception {
        try (AdminFixture admin = admins.start("0.0.0.0", "s3cret", TestGraphs.shop())) {
            HttpResponse<String> res = admin.get("/"); // no token: the page itself holds no data
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            String html = res.body();
            assertThat(html).startsWith("<!DOCTYPE html>")
                    .contains("/api/v1/vservers", "/api/v1/services", "/api/v1/gslb/sites", "/api/v1/events")
                    .contains("setInterval(refresh, 1000)")
                    .contains("\"Authorization\": \"Bearer \" + token")
                    .contains("get(\"token\")");
            // no external assets: no remote scripts, styles, fonts or images
            assertThat(html).doesNotContainPattern("(src|href)\\s*=\\s*\"(https?:)?//")
                    .doesNotContain("@import").doesNotContain("url(");
        }
    }

    @Test
    void servesItsChartLibraryFromTheJarWithoutTokenAndCachedForAYear() throws Exception {
        try (AdminFixture admin = admins.start("0.0.0.0", "s3cret", TestGraphs.shop())) {
            String html = admin.get("/").body();
            Matcher assets = Pattern.compile("(?:src|href)=\"(/assets/[^\"]+)\"").matcher(html);
            List<String> paths = new ArrayList<>();
            while (assets.find()) {
                paths.add(assets.group(1));
            }
            assertThat(paths).containsExactly("/assets/uplot/1.6.30/uPlot.min.css", "/assets/uplot/1.6.30/uPlot.iife.min.js");
            for (String path : paths) {
                HttpResponse<String> res = admin.get(path); // no token
                assertThat(res.statusCode()).as(path).isEqualTo(200);
                assertThat(res.headers().firstValue("cache-control")).hasValue("public, max-age=31536000, immutable");
                // the library itself reaches for nothing remote either
                assertThat(res.body()).doesNotContainPattern("(src|href)\\s*=\\s*[\"'](https?:)?//")
                        .doesNotContain("@import").doesNotContainPattern("url\\(\\s*['\"]?(https?:)?//");
            }
            assertThat(admin.get(paths.get(1)).body()).contains("uPlot").hasSizeBetween(30_000, 80_000);
            assertThat(admin.get(paths.get(1)).headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
            HttpResponse<String> licence = admin.get("/assets/uplot/1.6.30/LICENSE");
            assertThat(licence.statusCode()).isEqualTo(200);
            assertThat(licence.body()).contains("MIT");
            assertThat(admin.get("/assets/uplot/1.6.30/package.json").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void onlyTheRootPathIsThePage() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", "s3cret", TestGraphs.shop())) {
            assertThat(admin.get("/index.html").statusCode()).isEqualTo(404);
        }
    }
}
