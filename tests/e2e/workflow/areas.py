"""A bot configured with extra areas, for the routing tests.

Around the sample district (Donghu east, Xiba west):
- "block-team", a volunteer team for road damage in one block inside Donghu (nested areas);
- water split into "water-east" and "water-west", whose areas overlap;
- sanitation only in Xiba, so sanitation in Donghu falls back to the district office;
- the Donghu volunteers without a chat of their own (their escalations go to the admins).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.app import App
from bot.settings import DepartmentEntry
from tests.e2e.harness import Harness

BLOCK_CHAT = -1002000000011
WATER_WEST_CHAT = -1002000000012
BLOCK_STAFF = 2301
WATER_WEST_STAFF = 2201

# (west, south, east, north)
BLOCK = (116.47, 39.92, 116.475, 39.925)
WATER_EAST = (116.46, 39.90, 116.49, 39.93)
WATER_WEST = (116.43, 39.90, 116.48, 39.945)
XIBA = (116.43, 39.90, 116.46, 39.94)


def box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def write_area(folder: Path, name: str, bounds: tuple[float, float, float, float]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.geojson"
    path.write_text(json.dumps({"type": "Feature", "properties": {"name": name},
                                "geometry": box(*bounds)}), encoding="utf-8")
    return path


class AreasHarness(Harness):
    async def start(self, before_bot: Any = None) -> Harness:
        def extra_chats(server: Any) -> None:
            for chat_id, title in ((BLOCK_CHAT, "东湖街区养护小组"),
                                   (WATER_WEST_CHAT, "西片供水队")):
                server.create_group(chat_id, title, bot_status="administrator",
                                    members={BLOCK_STAFF: "member", WATER_WEST_STAFF: "member"})

        return await super().start(before_bot=extra_chats)

    async def start_bot(self) -> App:
        self.settings = self.settings.model_copy(update={"departments": self._departments()})
        return await super().start_bot()

    def _departments(self) -> list[DepartmentEntry]:
        folder = self.tmp_path / "areas"
        sample = {d.id: d for d in self.settings.departments if d.id not in (
            "block-team", "water-east", "water-west")}
        sample["sanitation"] = sample["sanitation"].model_copy(
            update={"area": write_area(folder, "xiba", XIBA)})
        sample["donghu-volunteers"] = sample["donghu-volunteers"].model_copy(
            update={"chat_id": None})
        water = sample.pop("water")
        extra = [
            DepartmentEntry(id="block-team", name="东湖街区养护小组", name_en="Block team",
                            kind="volunteer", chat_id=BLOCK_CHAT, staff=[BLOCK_STAFF],
                            categories=["road"], area=write_area(folder, "block", BLOCK)),
            water.model_copy(update={"id": "water-east", "name": "东片供水队",
                                     "area": write_area(folder, "water-east", WATER_EAST)}),
            DepartmentEntry(id="water-west", name="西片供水队", name_en="Water west",
                            chat_id=WATER_WEST_CHAT, staff=[WATER_WEST_STAFF],
                            categories=["water"],
                            area=write_area(folder, "water-west", WATER_WEST)),
        ]
        return [*sample.values(), *extra]
