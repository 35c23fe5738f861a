"""logging.basicConfig(level=logging.INFO) and a log line at import."""

import logging

logging.basicConfig(level=logging.INFO)
logging.getLogger(__name__).info("week module loaded")

EXPECT = {"notes": [r"at import: logging configuration changed \(undone\)"]}
