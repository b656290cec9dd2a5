"""Signs the request described on stdin (JSON) with botocore's S3SigV4Auth and
prints the headers botocore would send, as JSON. Used by sigv4_test.cpp to
prove spack-ext's SigV4 equals botocore's for the same requests."""
import datetime
import json
import sys
import types

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

spec = json.load(sys.stdin)
fixed = datetime.datetime.strptime(spec["timestamp"], "%Y%m%dT%H%M%SZ")


class _FixedClock(datetime.datetime):
    """datetime whose utcnow() is the request's timestamp."""

    @classmethod
    def utcnow(cls):
        return fixed


# The signing time is the request's, not now. botocore >= 1.34 asks
# auth.get_current_datetime(); older ones (Debian 12 ships 1.29) call
# datetime.datetime.utcnow() through auth's own `datetime` import.
if hasattr(botocore.auth, "get_current_datetime"):
    botocore.auth.get_current_datetime = lambda *a, **k: fixed
else:
    botocore.auth.datetime = types.SimpleNamespace(datetime=_FixedClock)
creds = Credentials(spec["access_key"], spec["secret_key"], spec.get("token") or None)
request = AWSRequest(method=spec["method"], url=spec["url"], headers=spec["headers"],
                     data=bytes.fromhex(spec["body_hex"]))
botocore.auth.S3SigV4Auth(creds, "s3", spec["region"]).add_auth(request)
print(json.dumps({k.lower(): v for k, v in request.headers.items()}))
