"""Split user-data into parts with cloud-init's own code, and merge its cloud-config parts.

Run with the interpreter of the ``cloud-init`` command (Debian's python3, where ``cloudinit``
is installed), not the test venv: ``python3 cloudinit_parts.py USER-DATA`` prints JSON
``{"parts": [{"type", "headers", "payload"}], "merged": {...}}``, where ``merged`` is the
cloud-config cloud-init would act on after merging every cloud-config part.
"""

import json
import sys
import tempfile

from cloudinit import helpers, user_data
from cloudinit.handlers.cloud_config import CloudConfigPartHandler
from cloudinit.settings import PER_ALWAYS


def main(path: str) -> None:
    with open(path, "rb") as handle:
        blob = handle.read()
    scratch = tempfile.mkdtemp()
    paths = helpers.Paths({"cloud_dir": scratch, "run_dir": scratch})
    message = user_data.UserDataProcessor(paths).process(blob)
    merger = CloudConfigPartHandler(paths, cloud_config_path="merged.cfg")
    parts = []
    for part in message.walk():
        if part.get_content_maintype() == "multipart":
            continue
        payload = part.get_payload(decode=True).decode("utf-8")
        headers = dict(part.items())
        parts.append({"type": part.get_content_type(), "headers": headers, "payload": payload})
        if part.get_content_type() == "text/cloud-config":
            merger.handle_part(None, "text/cloud-config", part.get_filename(), payload, PER_ALWAYS, headers)
    json.dump({"parts": parts, "merged": merger.cloud_buf}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
