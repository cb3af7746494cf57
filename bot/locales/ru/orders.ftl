## Заказы покупателя: корзина, оформление, /orders, /organizers, /pickup.

cmd-orders = мои заказы
cmd-organizers = мои организаторы и пункты выдачи
cmd-pickup = сменить пункт выдачи

## Корзина

orders-ask-item = Что заказать в «{ $title }»? Нажмите на товар или напишите его номер (1–{ $count }). Выйти — /cancel.
orders-item-unknown = Товара с таким номером или названием нет. Напишите номер от 1 до { $count } или нажмите на товар.
orders-item-unavailable = Этот товар больше не продаётся. Выберите другой товар.
orders-no-items = В этой покупке пока нет товаров.
orders-ask-size = «{ $name }»: выберите размер. Есть: { $sizes }.
orders-size-unknown = Такого размера у «{ $name }» нет. Есть: { $sizes }. Нажмите кнопку или напишите размер как в списке.
orders-ask-quantity = «{ $name }», { $price } за шт. Сколько штук? Нажмите кнопку или напишите число до { $max }.
orders-ask-quantity-size = «{ $name }», размер { $size }, { $price } за шт. Сколько штук? Нажмите кнопку или напишите число до { $max }.
orders-quantity-invalid = { $reason ->
    [zero] Количество должно быть не меньше 1.
    [negative] Количество не может быть отрицательным.
    [too_large] Слишком много: не больше { $max } шт. в одной строке заказа.
   *[other] Напишите количество числом, например 2.
} Попробуйте ещё раз.
orders-ask-note = Примечание к «{ $name }» (цвет, пожелания) — напишите его, до { $max } { $max ->
        [one] символа
       *[other] символов
    }, или нажмите «Без примечания».
orders-button-no-note = Без примечания
orders-note-invalid = Примечание — одна строка до { $max } { $max ->
        [one] символа
       *[other] символов
    }. Напишите короче или нажмите «Без примечания».
orders-line-too-large = Вместе с уже добавленным получится больше { $max } шт. «{ $name }». Выберите количество поменьше.
orders-too-many-lines = В заказе может быть не больше { $max } { $max ->
        [one] строки
       *[other] строк
    }. Уберите лишнее или оформите то, что есть.
orders-added = Добавлено: «{ $name }».
orders-button-stale = Эта кнопка уже не к месту. Продолжите с последнего сообщения или откройте корзину кнопкой «Заказать» на карточке покупки.
orders-cart-expired = Эта корзина уже закрыта. Откройте покупку заново: /purchases.
orders-purchase-closed = Приём заказов в этой покупке закрыт: заказ уже не оформить и не изменить. Свои заказы — /orders.

orders-cart-title = 🛒 Корзина — «{ $title }»:
orders-cart-title-editing = 🛒 Заказ { $number } — «{ $title }» (изменение):
orders-cart-totals =
    Товары: { $items }
    Оргсбор { $fee_percent }: { $fee }
    Итого к оплате: { $due }
orders-cart-empty-hint = Корзина пуста — добавьте товар.
orders-cart-empty = В корзине нет товаров. Добавьте товар; чтобы отменить уже оформленный заказ, откройте его в /orders.
orders-cart-use-buttons = Выберите действие кнопкой под корзиной. Выйти без сохранения — /cancel.
orders-button-cart = 🛒 Корзина ({ $count })
orders-button-add = ➕ Добавить товар
orders-button-lines = ✏️ Изменить строку
orders-button-confirm = ✅ Оформить заказ
orders-button-save = ✅ Сохранить изменения
orders-button-discard = ✖ Выйти без сохранения
orders-button-back-to-cart = ← К корзине
orders-button-remove-line = 🗑 Убрать строку
orders-cart-discarded = Корзина очищена, заказ не оформлен.
orders-cart-discarded-editing = Изменения не сохранены: заказ { $number } остался как был.
orders-editing = У вас уже есть заказ { $number } в этой покупке — изменения попадут в него.
orders-previous-cart-dropped = Неоформленная корзина покупки «{ $title }» очищена: одновременно собирается одна корзина.
orders-ask-line = Какую строку изменить?
orders-ask-line-quantity = «{ $name }»: сейчас { $quantity } шт. Новое количество — кнопкой или числом до { $max }; или уберите строку.
orders-ask-line-quantity-size = «{ $name }», { $size }: сейчас { $quantity } шт. Новое количество — кнопкой или числом до { $max }; или уберите строку.
orders-line-updated = Количество изменено.
orders-line-removed = Строка убрана.
orders-item-gone = «{ $name }» больше нет в продаже (или нет этого размера). Уберите эту строку кнопкой «Изменить строку» и оформите заказ снова.

orders-ask-pickup = Где вам удобно забрать заказ? Выберите пункт выдачи:
orders-point = 📍 { $name } — { $address }
orders-point-hours = 📍 { $name } — { $address }, { $hours }
orders-pickup-unknown = Этого пункта выдачи нет среди доступных. Выберите пункт кнопкой из последнего сообщения.
orders-pickup-use-buttons = Выберите пункт выдачи кнопкой. Выйти без сохранения — /cancel.

orders-placed = ✅ Заказ оформлен! Номер заказа: { $number }. Назовите его организатору при оплате и на выдаче.
orders-saved = ✅ Изменения сохранены, заказ { $number } обновлён.
orders-button-my-orders = 📦 Мои заказы

## Описание заказа

orders-order-head = 📦 { $number } — «{ $title }», от { $date }
orders-order-cancelled = Заказ отменён.
orders-purchase-status = { $status ->
    [open] Покупка: идёт сбор заказов, заказ можно изменить.
    [stopped] Покупка: стоп, заказ больше не меняется.
    [payment] Покупка: время оплаты.
    [ordered] Покупка: заказано у поставщика.
    [arrived] Покупка: товар приехал.
    [distribution] Покупка: идёт раздача.
    [closed] Покупка: завершена.
    [cancelled] Покупка: отменена организатором.
   *[other] Покупка: { $status }.
}
orders-order-more-lines = …и ещё строк: { $count }.
orders-order-sum = К оплате: { $due } (товары { $items } + оргсбор { $fee })
orders-order-sum-discount = К оплате: { $due } (товары { $items } + оргсбор { $fee } − скидка { $discount })
orders-order-sum-cancelled = Товаров было на { $items }; к оплате ничего.
orders-order-pickup = Пункт выдачи: { $name }, { $address }

## /orders и один заказ

orders-none = У вас пока нет заказов. Выберите покупку: /purchases.
orders-none-recent = За последние два месяца заказов нет. Более ранние — кнопкой «Все заказы».
orders-list-recent = { $pages ->
    [1] Ваши заказы за последние два месяца ({ $total }):
   *[other] Ваши заказы за последние два месяца ({ $total }), страница { $page } из { $pages }:
}
orders-list-all = { $pages ->
    [1] Все ваши заказы ({ $total }):
   *[other] Все ваши заказы ({ $total }), страница { $page } из { $pages }:
}
orders-button-all = 🗂 Все заказы
orders-button-order = 📦 { $number }
orders-button-change = ✏️ Изменить
orders-button-cancel-order = ✖ Отменить заказ
orders-button-pickup = 📍 Пункт выдачи
orders-not-found = Заказ не найден среди ваших. Ваши заказы — /orders.
orders-already-cancelled = Заказ { $number } уже отменён.
orders-fixed = Заказ { $number } уже нельзя изменить или отменить: { $status ->
    [cancelled] покупка отменена.
    [closed] покупка завершена.
   *[other] приём заказов закрыт, организатор уже считает по нему закупку.
} Вопросы по заказу — организатору.
orders-cancel-confirm = Отменить заказ { $number } в «{ $title }»? Товары из него не будут заказаны.
orders-button-cancel-yes = Да, отменить
orders-button-cancel-no = Нет, оставить
orders-cancelled = Заказ { $number } в «{ $title }» отменён.

## /organizers

orders-organizers-none = Здесь появятся организаторы ваших покупок, когда вы что-нибудь закажете: /purchases.
orders-organizers-page = Ваши организаторы, страница { $page } из { $pages }:
orders-organizer-name = 👤 { $name }
orders-organizer-points = Пункты выдачи:
orders-organizer-no-points = Пункты выдачи организатор сообщит отдельно.

## /pickup

orders-pickup-no-orders = У вас нет текущих заказов, для которых можно выбрать пункт выдачи. Ваши заказы — /orders.
orders-pickup-none-allowed = В ваших текущих заказах пункт выдачи назначает организатор — выбрать его самому нельзя.
orders-pickup-not-allowed = В заказе { $number } пункт выдачи назначает организатор — выбрать его самому нельзя.
orders-pickup-purchase-over = Покупка заказа { $number } завершена — пункт выдачи уже не меняется.
orders-pickup-no-points = У организатора заказа { $number } сейчас нет пунктов выдачи на выбор.
orders-pickup-choose-order = Для какого заказа сменить пункт выдачи?
orders-pickup-choose-point = Заказ { $number } («{ $title }»): где забрать? ✓ — выбранный сейчас.
orders-pickup-same = Заказ { $number } и так заберёте в пункте «{ $name }».
orders-pickup-set = Готово: заказ { $number } заберёте здесь:

## Уведомления организатору

orders-buyer-no-name = покупатель
orders-notify-new = 🆕 Новый заказ { $number } в «{ $title }» от { $buyer }: к оплате { $due }.
orders-notify-changed = ✏️ { $buyer } изменил(а) заказ { $number } в «{ $title }»: теперь к оплате { $due }.
orders-notify-cancelled = ✖ { $buyer } отменил(а) заказ { $number } в «{ $title }».
orders-notify-pickup = 📍 { $buyer } выбрал(а) пункт выдачи «{ $point }» для заказа { $number } в «{ $title }».

## Дата стопа прошла, а планировщик ещё не остановил покупку (domain/lifecycle.py collecting).
orders-purchase-stop-passed = Приём заказов в «{ $title }» закончился { $date } (стоп — до конца дня по Москве): заказ уже не оформить и не изменить. Свои заказы — /orders.
orders-fixed-stop-passed = Заказ { $number } уже нельзя изменить или отменить: приём заказов закончился { $date }, организатор уже считает по нему закупку. Вопросы по заказу — организатору.
