from domain.lifecycle import PurchaseStatus
from tests.support.drivers import ConsoleSession
from tests.support.queries import purchases_in_db
from tests.support.steps import become_organizer, move

QUICK = "/newpurchase Ряды; Orby; Одежда; сбор 10%; стоп 01.12.2026; оплата 05.12.2026"
ITEMS = "Платье; 1000; ряд 42,44,46,48; PL-1\nШарф; 500"


async def test_scratch(console: ConsoleSession) -> None:
    await become_organizer(console)
    await console.say("/organizer", "#5", "#1", "Центр", "ул. Ленина, 1", "пн–пт 10–19")
    out = await console.say(QUICK, ITEMS, "#1")
    print(out)
    pid = (await purchases_in_db(console.app))[-1].id
    print(await move(console, pid, PurchaseStatus.OPEN))
    out = await console.say(":as anna", f"/start p_{pid}", "#1")
    print("=====", out)
    out = await console.say("1")
    print("=====", out)
    out = await console.say("44")
    print("=====", out)
    out = await console.say("2")
    print("=====", out)
    out = await console.say("-")
    print("=====", out)
