## Исправления покупки: «Назад» в /newpurchase, правка полей и товаров, удаление черновика, архив.

purchase-edit-button-back = « Назад
purchase-edit-value-empty = (пусто)
purchase-edit-typed-before = Сейчас: { $value }. Напишите новое значение или нажмите кнопку.
purchase-edit-back-first = Это первый шаг — назад некуда. Выйти из создания покупки — /cancel.

purchase-edit-button-edit = ✏️ Редактировать
purchase-edit-button-delete = 🗑 Удалить черновик
purchase-edit-button-delete-yes = Да, удалить
purchase-edit-button-clear = Очистить
purchase-edit-button-items = « К товарам
purchase-edit-button-item = ✏️ №{ $number }
purchase-edit-button-archive = 🗄 Архив ({ $count })

purchase-edit-field = { $field ->
    [title] Название
    [description] Описание
    [supplier] Поставщик
    [category] Категория
    [fee] Оргсбор
    [min] Минимум
   *[pickup] Раздача
    }
purchase-edit-menu =
    Что изменить в «{ $title }»? { $draft ->
        [yes] Пока это черновик, можно менять всё.
       *[no] Покупка в статусе «{ $status }»: покупатели уже видят её, поэтому меняются только описание и раздача (даты — кнопками на карточке). О новой раздаче покупатели с заказами получат сообщение.
    }
purchase-edit-menu-entry = • { purchase-edit-field }: { $value }
purchase-edit-nothing = Покупка в статусе «{ $status }» — в ней уже ничего не меняется.
purchase-edit-field-locked = Поле «{ purchase-edit-field }» меняется только в черновике, а покупка сейчас в статусе «{ $status }». Покупатели видели условия и заказывали по ним.
purchase-edit-ask =
    { purchase-edit-field } в «{ $title }». Сейчас: { $value }
    { $field ->
        [title] Напишите новое название.
        [description] Напишите новое описание для покупателей.
        [supplier] Напишите поставщика (название или сайт).
        [category] Напишите категорию, например «Одежда».
        [fee] Напишите оргсбор в процентах, например 15 или 12,5.
        [min] Напишите минимум для выкупа у поставщика: сумму, например 30 000, или количество, например 50 шт.
       *[pickup] Напишите, где и когда раздача, например «ТЦ Радуга, 2 этаж, с 10 по 12 декабря, 10–20».
    }{ $clearable ->
        [yes] {" "}Чтобы очистить — «-» или кнопка «Очистить».
       *[no] {""}
    }{ $notified ->
        [yes] {" "}Покупатели с заказами получат сообщение.
       *[no] {""}
    } Назад — «назад» или кнопка.
purchase-edit-gone = Этой покупки больше нет среди ваших — правка отменена. Ваши покупки — /mypurchases.
purchase-edit-saved = Готово: { purchase-edit-field } в «{ $title }» — { $value }.{ $told ->
    [0] {""}
    [one] {" "}Сообщили { $told } покупателю с заказом.
   *[other] {" "}Сообщили { $told } покупателям с заказами.
    }
purchase-edit-card-pickup = Раздача: { $note }
purchase-admin-error-pickup = Раздача — до { $max } символов, без служебных символов. Попробуйте ещё раз.

purchase-edit-delete-confirm =
    Удалить черновик «{ $title }»{ $items ->
        [0] {""}
        [one] {" "}вместе с { $items } товаром
       *[other] {" "}вместе с { $items } товарами
    }? Вернуть его будет нельзя.
purchase-edit-delete-not-draft = Удалить можно только черновик. Эта покупка в статусе «{ $status }» — её можно отменить, и она уйдёт в архив.
purchase-edit-deleted = Черновик «{ $title }» удалён.
purchase-edit-deleted-already = Черновик «{ $title }» удалён — эта кнопка больше не работает. Ваши покупки — /mypurchases.
purchase-edit-mine-only-archive = Текущих покупок нет — завершённые и отменённые в архиве. Создать новую: /newpurchase.

purchase-edit-archive-empty = В архиве пусто: сюда попадают закрытые и отменённые покупки.
purchase-edit-archive-title = Архив: закрытые и отменённые покупки ({ $total }), страница { $page } из { $pages }:
purchase-edit-archive-entry = №{ $id } «{ $title }» — { $status } { $date }

purchase-edit-item-summary = Товар «{ $name }»: цена { $price }, размеры: { $sizes }.
purchase-edit-item-field = { $field ->
    [name] Название
    [price] Цена
   *[sizes] Размеры
    }
purchase-edit-item-has-orders = На этот товар уже есть заказы: цена, название и размеры не меняются.
purchase-edit-item-ask =
    { $summary }
    { $field ->
        [name] Напишите новое название.
        [price] Напишите новую цену в рублях, например 1290 или 1 290,50.
       *[sizes] Напишите размеры или варианты через запятую, например 42,44,46; «-» — без размеров.
    } Назад — «назад» или кнопка.
purchase-edit-item-saved = Готово. { $summary }
purchase-edit-item-locked = Товары меняются только в черновике и во время сбора заказов, а покупка сейчас в статусе «{ $status }».
purchase-edit-item-ordered-price =
    Цену «{ $name }» изменить нельзя: на товар уже есть заказы, покупатели согласились на { $price }.
    Что можно сделать: добавить новый товар с новой ценой и снять этот (заказанное остаётся по старой цене) — или попросить покупателей отменить заказанные строки (например, рассылкой /broadcast): когда заказов на товар не останется, цену можно будет поменять.
purchase-edit-item-ordered =
    { purchase-edit-item-field } «{ $name }» не меняется: на товар уже есть заказы, и покупатели выбирали именно его.
    Добавьте новый товар и снимите этот — или попросите покупателей отменить заказанные строки.

purchase-edit-notify-pickup =
    📍 Покупка «{ $title }»: организатор обновил информацию о раздаче.
    { $note }
purchase-edit-notify-pickup-cleared = 📍 Покупка «{ $title }»: организатор убрал прежнюю информацию о раздаче — где забирать, сообщит отдельно.
purchase-edit-notify-pay-date = 📅 Покупка «{ $title }»: срок оплаты перенесён — до { $deadline } (МСК). Сумму к оплате сообщим, когда начнётся оплата.
