"""The demo organisation behind `manage.py seed_demo`.

data          -- the static data: the organisation's shape, plans, names and grades
people        -- who the demo's people are, their names and NIPs
organisation  -- the units, their positions and the people in them
build         -- `demo_build`, the service that writes it all and opens the cycle
"""
