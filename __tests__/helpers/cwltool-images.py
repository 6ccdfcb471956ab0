"""The image cwltool gives each tool of a workflow, as its own loader sees it.

Usage: python3 cwltool-images.py WORKFLOW [OVERRIDES] [WORKFLOW [OVERRIDES] ...]
(an OVERRIDES of "-" means none). For each workflow, prints one JSON line:
  {"workflow": W, "tools": [{"step": "outer/inner", "id": TOOL_ID, "class": C, "image": I}],
   "overrides": [targets as cwltool resolved them]}
or {"workflow": W, "error": MESSAGE}.

It loads the workflow exactly as `cwltool --overrides OVERRIDES WORKFLOW` does — the same
functions, in the same order (resolve_tool_uri, load_overrides against the main document,
fetch_document, resolve_and_validate_document, make_tool) — without running anything, then
walks the tool objects cwltool built and asks each for its DockerRequirement with cwltool's own
get_requirement (what cwltool's job runner asks). Schemas named by `$schemas` are not fetched
(cwltool's --skip-schemas): the tests have no network.
"""

import json
import logging
import os
import sys

from cwltool.context import LoadingContext
from cwltool.load_tool import (
    fetch_document,
    load_overrides,
    make_tool,
    resolve_and_validate_document,
    resolve_tool_uri,
)
from cwltool.workflow import Workflow, default_make_tool
from schema_salad.ref_resolver import file_uri

logging.disable(logging.CRITICAL)


def walk(process, prefix, out):
    if isinstance(process, Workflow):
        for step in process.steps:
            name = step.id.split("#")[-1].split("/")[-1]
            walk(step.embedded_tool, prefix + name + "/", out)
        return
    req, _ = process.get_requirement("DockerRequirement")
    image = None
    if req is not None:
        image = req.get("dockerPull") or req.get("dockerImageId")
    out.append(
        {
            "step": prefix[:-1],
            "id": process.tool["id"],
            "class": process.tool["class"],
            "image": image,
        }
    )


def load(path, overrides):
    context = LoadingContext()
    context.construct_tool_object = default_make_tool
    context.skip_schemas = True
    uri, tool_file_uri = resolve_tool_uri(path)
    if overrides:
        context.overrides_list.extend(
            load_overrides(file_uri(os.path.abspath(overrides)), tool_file_uri)
        )
    context, workflowobj, uri = fetch_document(uri, context)
    context, uri = resolve_and_validate_document(context, workflowobj, uri)
    tool = make_tool(uri, context)
    tools = []
    walk(tool, "", tools)
    return {
        "workflow": path,
        "tools": tools,
        "overrides": [o["overrideTarget"] for o in context.overrides_list],
    }


def main(argv):
    pairs = list(zip(argv[0::2], argv[1::2] + ["-"] * (len(argv) % 2)))
    for path, overrides in pairs:
        try:
            result = load(path, None if overrides == "-" else overrides)
        except Exception as e:  # the message is the answer: which file, what is wrong
            result = {"workflow": path, "error": f"{type(e).__name__}: {e}"}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
