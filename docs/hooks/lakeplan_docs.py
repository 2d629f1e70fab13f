"""MkDocs hooks of the Lakeplan documentation site (mkdocs.yml `hooks:`).

- Adds the reference pages that the docs module's build generates (io.lakeplan.docs.ReferenceGenerator,
  into docs/target/docs-generated/reference/) and Mermaid's browser bundle from .venv-docs
  (bin/setup-docs); the build stops, naming the missing file and the command that makes it, when one
  is absent.
- Refuses a pasted code sample: a fenced java, yaml or json block must be only snippet includes
  (`--8<-- "examples/..."`) of files the build compiles or validates; shell, console and text
  blocks (and untagged output blocks) may be written in place.
- Copies the API Javadoc (each module's target/apidocs/ or target/reports/apidocs/, made by
  maven-javadoc-plugin earlier in the same build) into the site under api/, with an api/index.html
  listing what was found.
"""

import html
import os
import re
import shutil

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GENERATED = os.environ.get(
    "LAKEPLAN_DOCS_GENERATED", os.path.join(ROOT, "docs", "target", "docs-generated"))
MERMAID_JS = os.path.join(ROOT, ".venv-docs", "share", "lakeplan", "mermaid.min.js")
MERMAID_URI = "assets/javascripts/mermaid.min.js"
JAVADOC_MODULES = ["sdk-api", "sdk-testkit", "sdk-spark", "sdk-aws", "sdk-cli"]

# Languages whose samples must come from a file of examples/ (or a generated one).
INCLUDED_ONLY = {"java", "yaml", "yml", "json"}
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[A-Za-z0-9_+-]*)")
SNIPPET_LINE = re.compile(r'^\s*-{1,}8<-{1,}\s+"[^"]+"\s*$')


def on_files(files, config):
    reference = os.path.join(GENERATED, "reference")
    if not os.path.isdir(reference) or not os.listdir(reference):
        raise PluginError(
            f"generated reference pages missing in {reference}: build them with "
            "'./mvnw -B -o -pl docs -am process-classes -DskipTests' (docs/pom.xml runs "
            "io.lakeplan.docs.ReferenceGenerator)")
    for name in sorted(os.listdir(reference)):
        if name.endswith(".md"):
            files.append(File.generated(
                config, f"reference/{name}", abs_src_path=os.path.join(reference, name)))
    if not os.path.isfile(MERMAID_JS):
        raise PluginError(f"{MERMAID_JS} missing: run bin/setup-docs")
    files.append(File.generated(config, MERMAID_URI, abs_src_path=MERMAID_JS))
    return files


def on_page_markdown(markdown, page, config, files):
    check_samples_are_included(markdown, page.file.src_uri)
    return markdown


def check_samples_are_included(markdown, page_name):
    """Raises PluginError for a fenced java/yaml/json block that is not only snippet includes."""
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, lang, start = match.group("fence"), match.group("lang").lower(), i
        i += 1
        body = []
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            i += 1
        i += 1
        if lang in INCLUDED_ONLY:
            pasted = [line for line in body if line.strip() and not SNIPPET_LINE.match(line)]
            if pasted:
                raise PluginError(
                    f"{page_name}:{start + 1}: a pasted {lang} sample; include it from a file the "
                    f"build compiles or validates instead (--8<-- \"examples/...:section\")")


def on_post_build(config):
    api = os.path.join(config["site_dir"], "api")
    shutil.rmtree(api, ignore_errors=True)
    os.makedirs(api)
    found = []
    for module in JAVADOC_MODULES:
        # javadoc:jar writes target/apidocs, the javadoc:javadoc report target/reports/apidocs
        for apidocs in (os.path.join(ROOT, module, "target", "apidocs"),
                        os.path.join(ROOT, module, "target", "reports", "apidocs")):
            if os.path.isfile(os.path.join(apidocs, "index.html")):
                shutil.copytree(apidocs, os.path.join(api, module))
                found.append(module)
                break
    if found:
        items = "".join(
            f'<li><a href="{m}/index.html">{html.escape(m)}</a></li>' for m in found)
        body = f"<p>The API Javadoc of each module built with this site:</p><ul>{items}</ul>"
    else:
        body = ("<p>No Javadoc was built with this site: maven-javadoc-plugin writes each module's "
                "into <code>MODULE/target/apidocs/</code>, which the site build copies here when "
                "it exists.</p>")
    with open(os.path.join(api, "index.html"), "w", encoding="utf-8") as out:
        out.write("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<title>Lakeplan API Javadoc</title>"
                  "<link rel=\"icon\" href=\"../assets/images/favicon.png\"></head><body><h1>Lakeplan API Javadoc</h1>"
                  f"{body}<p><a href=\"../index.html\">Back to the documentation</a></p>"
                  "</body></html>\n")
