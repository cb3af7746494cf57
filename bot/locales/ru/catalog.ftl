## Каталог покупателя: открытые покупки, карточка покупки, ссылка на покупку.

cmd-purchases = открытые покупки

catalog-empty = Сейчас нет открытых покупок. Загляните позже!
catalog-list-title = Открытые покупки ({ $total }), страница { $page } из { $pages }:
catalog-list-entry = { $number }. { $title } — { $organizer }, оргсбор { $fee }, стоп { $stop }
catalog-no-stop-date = без даты
catalog-button-back = ← К покупкам
catalog-button-order = 🛒 Заказать
catalog-button-comment = 💬 Комментировать

catalog-card-title = 🛍 { $title }
catalog-card-organizer = Организатор: { $name }
catalog-card-supplier = Поставщик: { $supplier }
catalog-card-category = Категория: { $category }
catalog-card-fee = Оргсбор: { $fee }
catalog-card-stop = Стоп заказов: { $date }
catalog-card-status = { $status ->
    [stopped] Приём заказов остановлен.
    [payment] Приём заказов закрыт, идёт оплата.
    [ordered] Приём заказов закрыт, товар заказан у поставщика.
    [arrived] Приём заказов закрыт, товар приехал.
    [distribution] Приём заказов закрыт, идёт раздача.
    [closed] Покупка завершена.
    [cancelled] Покупка отменена.
    [draft] Черновик: покупателям пока не видна.
   *[other] Приём заказов закрыт.
}
catalog-card-items = { $count ->
    [0] Товаров пока нет.
   *[other] Товары:
}
catalog-card-sizes = размеры: { $sizes }
catalog-card-more-items = …и ещё { $count } — все видны при заказе.
catalog-card-your-order = Ваш заказ в этой покупке: { $number }. { $can_change ->
        [yes] Изменить его можно кнопкой «Заказать» или в /orders.
       *[no] Приём заказов закрыт, заказ уже не меняется; его состав и сумма — в /orders.
    }

catalog-purchase-not-found = Такой покупки нет или она ещё не открыта. Открытые покупки — /purchases.
catalog-link-invalid = Ссылка на покупку повреждена. Откройте покупку из списка: /purchases.
