import sys

from avp_client.cli import main

sys.exit(main())
